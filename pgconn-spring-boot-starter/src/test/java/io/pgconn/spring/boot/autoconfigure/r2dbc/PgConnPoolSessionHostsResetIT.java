package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.r2dbc.PgConnConnectionPool;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's per-host session counting ({@link PgConnPoolSessionHosts}, on every pool {@link PgConnPoolBuilders}
 * builds) reads where each new session is without using it: the pool's reset on release runs only after a lend that
 * sent something (docs/r2dbc.md §4). Session 31 noticed that the counting took the core connection
 * ({@code PgConnUnwrap.pgConnection}), which counts as use, so each new session's first release ran the reset though
 * its borrower sent nothing.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PgConnPoolSessionHostsResetIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    /** The reset counts itself in a setting it leaves in place: how many releases ran it. */
    private static final String COUNTING_RESET = "SELECT set_config('app.resets',"
            + " (coalesce(nullif(current_setting('app.resets', true), ''), '0')::int + 1)::text, false)";

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-pool-hosts-reset", 0);

    @Test
    void countingANewSessionOnItsHostIsNoUseOfIt() {
        ConnConfig config = ConnConfig.builder().hosts(HostSpec.of("127.0.0.1", PG.primary().port()))
                .user(StarterCluster.USER).password(StarterCluster.PASSWORD).database("postgres")
                .sslMode(SslMode.DISABLE).extensionTypes().build();
        try (PgConnectionFactory core = PgConnectionFactory.create(config)) {
            PgConnPoolBuilders builders = new PgConnPoolBuilders();
            PgConnConnectionPool pool = builders.over("countedPool", core).initialSize(0).maxSize(1).maxAcquireTime(STEP)
                    .resetOnRelease(COUNTING_RESET).build();
            try {
                borrow(pool, c -> "nothing sent"); // the new session's first lend
                assertThat(builders.sessionHosts("countedPool").byHost()).as("counted on its host all the same")
                        .isEqualTo(Map.of(StarterCluster.label(PG.primary()), 1));
                assertThat(borrow(pool, c -> value(c, "SELECT coalesce(current_setting('app.resets', true), 'none')")))
                        .as("no reset ran after the lend that sent nothing").isEqualTo("none");
                assertThat(borrow(pool, c -> value(c, "SELECT current_setting('app.resets', true)")))
                        .as("one after the lend that sent a statement").isEqualTo("1");
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    private static String borrow(PgConnConnectionPool pool, Function<Connection, String> use) {
        Connection connection = Mono.from(pool.create()).block(STEP);
        try {
            return use.apply(connection);
        } finally {
            Mono.from(connection.close()).block(STEP);
        }
    }

    private static String value(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute())
                .flatMap(result -> result.map((row, meta) -> String.valueOf(row.get(0, String.class))))
                .blockLast(STEP);
    }
}
