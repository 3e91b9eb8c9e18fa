package io.pgconn.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension starting one {@link PgCluster} per test class (before all tests) and closing it after all.
 * Register it on a {@code static} field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PgClusterExtension PG = PgClusterExtension.builder()
 *         .majorVersion(14)
 *         .user(PgUser.md5("bob", "pw").allow(ConnectionType.HOST, AuthMethod.MD5))
 *         .standbys(1)
 *         .build();
 *
 * @Test void works() { int port = PG.primary().port(); }
 * }</pre>
 *
 * Test methods may also take a {@link PgCluster} or {@link PgServer} (the primary) parameter.
 * {@code @Nested} classes share the outer class's cluster.
 */
public final class PgClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final ClusterSpec spec;
    private volatile PgCluster cluster;
    private volatile String startedBy;

    private PgClusterExtension(ClusterSpec spec) {
        this.spec = spec;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures the cluster the extension will start. */
    public static final class Builder extends AbstractPgClusterBuilder<Builder> {
        Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param count how many hot standbys (default 0)
         * @return this builder
         */
        public Builder standbys(int count) {
            standbyCount(count);
            return this;
        }

        /** @return the extension, to register with {@code @RegisterExtension} on a static field */
        public PgClusterExtension build() {
            return new PgClusterExtension(spec());
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (cluster == null) {
            cluster = PgCluster.start(spec, false);
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null && context.getUniqueId().equals(startedBy)) {
            try {
                cluster.close();
            } finally {
                cluster = null;
                startedBy = null;
            }
        }
    }

    /** @return the running cluster */
    public PgCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster runs only between BeforeAll and AfterAll; "
                    + "is the extension registered on a static field?");
        }
        return cluster;
    }

    /** @return the cluster's primary */
    public PgServer primary() {
        return cluster().primary();
    }

    /**
     * @param index 0-based
     * @return that standby
     */
    public PgServer standby(int index) {
        return cluster().standby(index);
    }

    /** @return the cluster's TLS material, or {@code null} when TLS is off */
    public PgTls tls() {
        return cluster().tls();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == PgCluster.class || type == PgServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PgCluster.class ? cluster() : primary();
    }
}
