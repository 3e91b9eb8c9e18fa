package io.pgconn.testing;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.PgServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link PgConnectionFactory} of its own for each test (default settings, so {@code extensionTypes} looks for
 * hstore and vector), made at the test's first connect and closed after it with every connection it made: a test
 * finds no type knowledge left by another. Register it on an instance field.
 */
public final class FactoryPerTest implements AfterEachCallback {

    private PgConnectionFactory factory;

    /** A connection to {@code server} as {@code user} (no password, no TLS), from this test's factory. */
    public PgConnection connect(PgServer server, String user) {
        if (factory == null) {
            factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(2).build();
        }
        return Connect.await(factory.connect(Connect.config(server, user, null, "sslmode=disable hostRecheckInterval=1h")));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (factory != null) {
            factory.close();
            factory = null;
        }
    }
}
