package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.query.Row;
import io.pgconn.testing.Cents;
import io.pgconn.testing.CentsCodec;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User codecs for the auto-configured factory (user3 F8: the starter had no hook, so a codec meant a
 * second factory outside health, metrics and Spring Data): a {@link CodecRegistry} bean, and
 * {@link PgConnectionFactoryBuilderCustomizer} beans in order, against a real server.
 */
class PgConnCodecsIT {

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-codecs", 0);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                    "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                    "pg.conn.password=" + StarterCluster.PASSWORD, "pg.conn.extension-types=", "pg.conn.startup-check=none");

    private static Object price(PgConnectionFactory factory) throws Exception {
        PgConnection connection = factory.connect().get(10, TimeUnit.SECONDS);
        try {
            Row row = connection.query("SELECT 1999::int8 AS price").get(10, TimeUnit.SECONDS).row(0);
            return row.get("price");
        } finally {
            connection.close().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCodecRegistryBeanIsTheAutoConfiguredFactorysCodecs() {
        this.runner.withBean(CodecRegistry.class, () -> CodecRegistry.builder().register(new CentsCodec()).build())
                .run(context -> assertThat(price(context.getBean(PgConnectionFactory.class))).isEqualTo(new Cents(1999)));
    }

    @Test
    void withoutOneTheBuiltInCodecsRead() {
        this.runner.run(context -> assertThat(price(context.getBean(PgConnectionFactory.class))).isEqualTo(1999L));
    }

    @Test
    void builderCustomizersRunInOrderAfterTheRegistryBean() {
        this.runner.withUserConfiguration(Customizers.class).run(context -> {
            assertThat(context.getBean(Calls.class).names).containsExactly("codecs", "last");
            // the customizer's registry replaced the bean's (empty of user codecs): Cents are read
            assertThat(price(context.getBean(PgConnectionFactory.class))).isEqualTo(new Cents(1999));
        });
    }

    /** The customizers' calls, in order. */
    static final class Calls {
        final List<String> names = new CopyOnWriteArrayList<>();
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {

        @Bean
        Calls calls() {
            return new Calls();
        }

        @Bean
        CodecRegistry codecRegistry() {
            return CodecRegistry.defaults();
        }

        @Bean
        @Order(2)
        PgConnectionFactoryBuilderCustomizer last(Calls calls) {
            return builder -> calls.names.add("last");
        }

        @Bean
        @Order(1)
        PgConnectionFactoryBuilderCustomizer codecs(Calls calls) {
            return builder -> {
                calls.names.add("codecs");
                builder.codecs(CodecRegistry.builder().register(new CentsCodec()).build());
            };
        }
    }
}
