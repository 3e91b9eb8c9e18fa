package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.ConnConfig;
import io.pgconn.trace.PgTracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;

/**
 * Builders for factories derived from the auto-configured one (new user 20 F16: the "reads on the standby" recipe
 * built its second factory from {@code pgConnectionFactory.config()} alone and so lost what the starter gives the
 * auto-configured factory at builder level — with {@code pg.conn.ssl.bundle} and no root certificate it never
 * connected and its health turned the whole {@code /actuator/health} DOWN; enum reads of a user codec failed on it):
 *
 * <pre>{@code
 * @Bean(defaultCandidate = false) @Qualifier("reads")
 * PgConnectionFactory readsPg(PgConnectionFactory pgConnectionFactory, PgConnFactoryBuilders builders) {
 *     return builders.builder("readsPg", pgConnectionFactory.config().toBuilder()
 *             .targetSessionAttrs(TargetSessionAttrs.PREFER_STANDBY).build()).build();
 * }
 * }</pre>
 *
 * A builder of {@code config} carrying what the auto-configured factory's builder gets besides its {@code ConnConfig},
 * by the same code: the {@code pg.conn.ssl.bundle}'s TLS material, the {@link CodecRegistry} bean and the
 * {@link PgConnectionFactoryBuilderCustomizer} beans (in order, last) — and, in place of the auto-configured factory's
 * {@link PgTracer} beans, which tag its bean name, the starter's tracers made for {@code beanName}
 * ({@link PgConnFactoryTracers#forFactory}), its {@link FailoverTracker} among them, so that its connects count
 * {@code pg.conn.failovers} without health as the auto-configured factory's do. Its health,
 * {@code pg.conn.connections.active} and {@code pg.conn.failovers} come with every {@code PgConnectionFactory} bean, a
 * non-default candidate's too.
 * {@code pg.conn.pool.*} and {@code pg.conn.startup-check} stay the auto-configured side's.
 */
public final class PgConnFactoryBuilders {

    private final PgConnProperties properties;

    private final ObjectProvider<SslBundles> sslBundles;

    private final ObjectProvider<CodecRegistry> codecs;

    private final ObjectProvider<PgConnectionFactoryBuilderCustomizer> builderCustomizers;

    private final PgConnFactoryTracers tracers;

    PgConnFactoryBuilders(PgConnProperties properties, ObjectProvider<SslBundles> sslBundles, ObjectProvider<CodecRegistry> codecs,
            ObjectProvider<PgConnectionFactoryBuilderCustomizer> builderCustomizers, PgConnFactoryTracers tracers) {
        this.properties = properties;
        this.sslBundles = sslBundles;
        this.codecs = codecs;
        this.builderCustomizers = builderCustomizers;
        this.tracers = tracers;
    }

    /**
     * A builder of {@code config} for the factory bean {@code beanName} (its meters' {@code name} tag, its log lines and
     * the names of the event loop threads it makes, {@code pgconn-<beanName>-epoll-N-M}): the starter's tracers for it, then {@code own}; the SSL bundle, codecs and builder customizers of the
     * auto-configured factory. Call {@code build()} (after anything of your own) and close the factory with its bean.
     */
    public PgConnectionFactory.Builder builder(String beanName, ConnConfig config, PgTracer... own) {
        PgConnectionFactory.Builder builder = PgConnectionFactory.builder(config)
                .name(beanName) // its event loop threads: pgconn-<beanName>-epoll-N-M
                .tracer(this.tracers.forFactory(beanName, config, own));
        applyBuilderSettings(builder);
        return builder;
    }

    /** What the auto-configured factory's builder gets after its tracers: the one code path for it and derived ones. */
    void applyBuilderSettings(PgConnectionFactory.Builder builder) {
        String bundle = this.properties.getSsl().getBundle();
        if (bundle != null) {
            SslBundleTls.apply(bundle, this.sslBundles.getIfAvailable(), builder);
        }
        // user codecs reach every connection of the factory, the R2DBC pool's included (docs/starter.md §2)
        this.codecs.ifUnique(builder::codecs);
        this.builderCustomizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    }
}
