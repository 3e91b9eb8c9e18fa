package io.pgconn.r2dbc;

import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Lifecycle;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Makes an r2dbc-pool clean a pgconn connection of its borrower's work on release ({@code preRelease()}:
 * unread results discarded, a read nobody reads or cancels cut off, a transaction left open rolled back;
 * docs/r2dbc.md §4) also when the pool's connections wrap the driver's. r2dbc-pool runs the clean-up
 * through {@link Lifecycle}, which the driver's connection implements; a wrapper between pool and driver
 * (r2dbc-proxy, which Spring Boot's {@code ConnectionFactoryDecorator} puts there) does not pass
 * {@code Lifecycle} on, so the pool would never reach it. This sets the pool's own {@code preRelease}
 * function to find the pgconn connection under the wrappers ({@link PgConnUnwrap}) and clean it; a pooled
 * connection that is itself a {@code Lifecycle} is left to the pool's own call.
 */
public final class PgConnPoolRelease {

    private PgConnPoolRelease() {
    }

    /** Sets {@code builder}'s {@code preRelease} function (one set before is replaced). */
    public static ConnectionPoolConfiguration.Builder apply(ConnectionPoolConfiguration.Builder builder) {
        return builder.preRelease(PgConnPoolRelease::cleanUp);
    }

    /** The driver's clean-up of the connection under {@code pooled}; nothing when the pool calls it itself. */
    static Publisher<Void> cleanUp(Connection pooled) {
        if (pooled instanceof Lifecycle) {
            return Mono.empty();
        }
        return PgConnUnwrap.driverConnection(pooled).map(PgConnR2dbcConnection::preRelease).orElse(Mono.empty());
    }
}
