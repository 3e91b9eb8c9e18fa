package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A {@link ConnectionFactory} whose connections are JDK dynamic proxies over the driver's, each
 * {@link Wrapped} — the shape r2dbc-proxy gives them (Spring Boot's {@code ConnectionFactoryDecorator}
 * puts one between an r2dbc-pool and the driver), without depending on it.
 */
final class WrappingProxies {

    private WrappingProxies() {
    }

    static ConnectionFactory around(ConnectionFactory factory) {
        return proxy(ConnectionFactory.class, factory, (self, method, args) -> {
            if (method.getName().equals("create")) {
                return Mono.from((Publisher<?>) invoke(factory, method, args))
                        .map(c -> proxy(Connection.class, (Connection) c, null));
            }
            return null;
        });
    }

    /** {@code special} answers a method first; null from it delegates (unwrap() is the delegate). */
    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T delegate, InvocationHandler special) {
        return (T) Proxy.newProxyInstance(WrappingProxies.class.getClassLoader(), new Class<?>[] {type, Wrapped.class},
                (self, method, args) -> {
                    if (method.getName().equals("unwrap") && method.getParameterCount() == 0) {
                        return delegate;
                    }
                    Object answer = special == null ? null : special.invoke(self, method, args);
                    return answer != null ? answer : invoke(delegate, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
