package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A factory of the application's own that cannot say when it closes (its {@code whenClosed()} is the interface's
 * default, which refuses) is refused by {@code register} before anything is registered: a registration that nothing
 * ends would keep its health entry and meters for ever. Before session 24 {@code whenClosed()} was abstract (no such
 * factory compiled); a double that threw from it left the entry registered and the listeners told.
 */
class PgConnRuntimeFactoriesTest {

    @Test
    void aFactoryThatCannotSayWhenItClosesIsRefusedBeforeAnythingIsRegistered() {
        PgConnRuntimeFactories registry = PgConnRuntimeFactoriesAccess.create();
        List<String> heard = new ArrayList<>();
        registry.addListener(new PgConnRuntimeFactories.Listener() {
            @Override
            public void registered(PgConnRuntimeFactories.Entry factory) {
                heard.add("registered " + factory.name());
            }

            @Override
            public void unregistered(PgConnRuntimeFactories.Entry factory) {
                heard.add("unregistered " + factory.name());
            }
        });
        PgConnectionFactory own = ownFactoryWithTheDefaultWhenClosed();

        assertThatThrownBy(() -> registry.register("tenant-7", own)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tenant-7'").hasMessageContaining("cannot say when it closes")
                .hasMessageContaining("implement whenClosed()")
                .cause().isInstanceOf(UnsupportedOperationException.class);
        assertThat(registry.entries()).isEmpty();
        assertThat(heard).isEmpty();
    }

    /** A double whose every abstract method answers as an open factory and whose default methods are the interface's. */
    private static PgConnectionFactory ownFactoryWithTheDefaultWhenClosed() {
        InvocationHandler handler = new InvocationHandler() {
            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                return switch (method.getName()) {
                    case "isClosed" -> false;
                    case "toString" -> "OwnFactory";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
        };
        return (PgConnectionFactory) Proxy.newProxyInstance(PgConnRuntimeFactoriesTest.class.getClassLoader(),
                new Class<?>[] {PgConnectionFactory.class}, handler);
    }
}
