package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.r2dbc.codecs.OrderStatus;
import io.pgconn.spring.boot.autoconfigure.r2dbc.codecs.OrderStatusCodec;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 20 F16: the README's "reads on the standby" recipe against a real TLS server with {@code pg.conn.ssl.bundle}
 * (no root certificate) and a {@link CodecRegistry} bean with an enum codec (the tests' {@link OrderStatusCodec}). Built from the auto-configured factory's
 * {@code ConnConfig} alone, the reads factory looked for {@code ~/.postgresql/root.crt} and never connected, and read
 * the enum as text; derived through {@code PgConnFactoryBuilders} it has the bundle's trust and the codecs.
 */
class ReadsOnTheStandbyRecipeTlsIT {

    private static final String USER = "reads_app";

    private static final String PASSWORD = "reads-Pa55";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.tlsOnly("starter-reads-tls", USER, PASSWORD);

    @BeforeAll
    static void orderStatusType() {
        PG.primary().execute("CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped')");
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, PgConnAutoConfiguration.class,
                    PgConnR2dbcAutoConfiguration.class, PgConnR2dbcPoolDetailsAutoConfiguration.class))
            .withUserConfiguration(ReadsOnTheStandbyRecipeTest.ReadsOnTheStandby.class)
            .withBean(CodecRegistry.class, () -> CodecRegistry.builder().register(new OrderStatusCodec()).build())
            .withPropertyValues("pg.conn.hosts=localhost:" + PG.primary().port(), "pg.conn.database=postgres",
                    "pg.conn.username=" + USER, "pg.conn.password=" + PASSWORD, "pg.conn.extension-types=order_status",
                    "pg.conn.target-session-attrs=read-write", "pg.conn.startup-check=fail", "pg.conn.ssl.bundle=db",
                    "spring.ssl.bundle.pem.db.truststore.certificate=file:" + PG.tls().caCertificate());

    @Test
    void theReadsFactoryConnectsWithTheBundlesTrustAndReadsTheEnumWithTheUserCodec() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            PgConnectionFactory reads = context.getBean("readsPg", PgConnectionFactory.class);
            assertThat(reads.config().targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PREFER_STANDBY);
            PgConnection connection = reads.connect().get(30, TimeUnit.SECONDS);
            try {
                assertThat(PG.primary().queryValue("SELECT ssl FROM pg_stat_ssl WHERE pid = " + connection.processId()))
                        .isEqualTo("t");
                assertThat(connection.query("SELECT 'shipped'::order_status AS s").get(10, TimeUnit.SECONDS).row(0)
                        .get("s", OrderStatus.class)).isEqualTo(OrderStatus.SHIPPED);
            } finally {
                connection.close().get(10, TimeUnit.SECONDS);
            }
        });
    }
}
