package io.pgconn.testing;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PgConnectionFactory} shared by a test class (so host memory and TLS contexts behave as
 * they do in an application), closed after the class; fails the class when a test left a
 * connection open.
 */
public final class FactoryExtension implements BeforeAllCallback, AfterAllCallback {

    private volatile PgConnectionFactory factory;

    @Override
    public void beforeAll(ExtensionContext context) {
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(2).build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PgConnectionFactory closing = factory;
        factory = null;
        int leftOpen = closing.openConnections();
        closing.close();
        if (leftOpen != 0) {
            throw new AssertionError(context.getDisplayName() + " left " + leftOpen + " connection(s) open");
        }
    }

    public PgConnectionFactory factory() {
        PgConnectionFactory current = factory;
        if (current == null) {
            throw new IllegalStateException("the factory exists only while the test class runs");
        }
        return current;
    }
}
