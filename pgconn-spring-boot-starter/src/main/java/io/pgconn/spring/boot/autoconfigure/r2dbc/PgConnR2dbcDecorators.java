package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.r2dbc.spi.ConnectionFactory;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Spring Boot's {@code ConnectionFactoryDecorator} beans, in their order, applied to the pgconn R2DBC
 * factory as Boot's own R2DBC configuration applies them to its driver factory: each wraps the result
 * of the one before, and the pool wraps the last. So a decorator — r2dbc-proxy's, through which Boot
 * observes each query ({@code r2dbc.query}) — sits between the pool and the driver, as under Boot's own
 * pool. Kept free of Boot's R2DBC types: it is the pool's dependency also when spring-boot-r2dbc is absent
 * ({@link #none()}).
 */
final class PgConnR2dbcDecorators {

    private static final PgConnR2dbcDecorators NONE = new PgConnR2dbcDecorators(List.of());

    private final List<UnaryOperator<ConnectionFactory>> decorators;

    /** @param decorators in the order they apply: the first wraps the driver's factory */
    PgConnR2dbcDecorators(List<UnaryOperator<ConnectionFactory>> decorators) {
        this.decorators = List.copyOf(decorators);
    }

    static PgConnR2dbcDecorators none() {
        return NONE;
    }

    ConnectionFactory decorate(ConnectionFactory driver) {
        ConnectionFactory decorated = driver;
        for (UnaryOperator<ConnectionFactory> decorator : this.decorators) {
            decorated = decorator.apply(decorated);
        }
        return decorated;
    }
}
