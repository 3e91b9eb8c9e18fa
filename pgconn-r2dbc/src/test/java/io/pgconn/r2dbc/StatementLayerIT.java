package io.pgconn.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.testing.StatementRecorder;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.trace.PgTracer.StatementStarted;
import io.pgconn.trace.PgTracer.StatementKind;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * pgconn-r2dbc's statements reach a PgTracer with {@code layer} "r2dbc" (its results' subscriber is a
 * {@link io.pgconn.trace.StatementLayer}, query.md §8), so a tracer can leave them to an R2DBC-level
 * observation (starter.md §4): a Statement with and without parameters, a Batch, a statement in a
 * transaction. COMMIT, which goes through the core's commit(), is "core", as is a core statement on the same factory;
 * beginTransaction()'s BEGIN rides in its first statement's Sync group (the core's beginWithFirstStatement), part of
 * that statement's round trip, not a statement of its own (docs/r2dbc.md §3).
 */
class StatementLayerIT {

    private static final Duration STEP = Duration.ofSeconds(15);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-statement-layer", 0).build();

    private final StatementRecorder recorder = new StatementRecorder();

    @Test
    void statementsAndBatchesOfR2dbcCarryTheLayerR2dbcAndTransactionControlTheCores() throws Exception {
        try (PgConnectionFactory core = core()) {
            Connection connection = Mono.from(PgConnR2dbcConnectionFactory.of(core).create()).block(STEP);
            try {
                Integer bound = Mono.from(connection.createStatement("SELECT $1::int AS bound").bind(0, 7).execute())
                        .flatMap(result -> Mono.from(result.map((row, meta) -> row.get(0, Integer.class)))).block(STEP);
                assertThat(bound).isEqualTo(7);
                Flux.from(connection.createStatement("SELECT 'no parameters'").execute())
                        .flatMap(result -> result.getRowsUpdated()).blockLast(STEP);
                Flux.from(connection.createBatch().add("CREATE TEMP TABLE layered (i int)").add("INSERT INTO layered VALUES (1)")
                        .execute()).flatMap(result -> result.getRowsUpdated()).blockLast(STEP);
                Mono.from(connection.beginTransaction()).block(STEP);
                Flux.from(connection.createStatement("UPDATE layered SET i = 2").execute())
                        .flatMap(result -> result.getRowsUpdated()).blockLast(STEP);
                Mono.from(connection.commitTransaction()).block(STEP);
            } finally {
                Mono.from(connection.close()).block(STEP);
            }
            assertThat(layerOf("SELECT $1::int AS bound")).isEqualTo("r2dbc");
            assertThat(layerOf("SELECT 'no parameters'")).isEqualTo("r2dbc");
            assertThat(recorder.starts()).filteredOn(start -> start.sql().contains("CREATE TEMP TABLE layered"))
                    .extracting(StatementStarted::kind, StatementStarted::batchSize, StatementStarted::layer)
                    .containsExactly(tuple(StatementKind.SCRIPT, 2, "r2dbc"));
            assertThat(layerOf("UPDATE layered SET i = 2")).isEqualTo("r2dbc");
            // the commit goes through the core's commit(): "core", so the starter observes it itself (r2dbc-proxy's
            // r2dbc.query observes query executions only); the BEGIN went with the UPDATE, no statement of its own
            assertThat(recorder.starts()).filteredOn(start -> start.sql().startsWith("BEGIN") || start.sql().equals("COMMIT"))
                    .extracting(StatementStarted::layer).containsExactly("core");

            recorder.clear();
            PgConnection direct = core.connect().get(15, TimeUnit.SECONDS);
            try {
                direct.query("SELECT 'core'").get(15, TimeUnit.SECONDS);
            } finally {
                direct.close().get(15, TimeUnit.SECONDS);
            }
            assertThat(layerOf("SELECT 'core'")).isEqualTo("core");
        }
    }

    /** The layer of the one statement started with this SQL. */
    private String layerOf(String sql) {
        List<String> layers = recorder.starts().stream().filter(start -> start.sql().equals(sql)).map(StatementStarted::layer).toList();
        assertThat(layers).as("statements started with SQL %s, among %s", sql, recorder.starts()).hasSize(1);
        return layers.get(0);
    }

    private PgConnectionFactory core() {
        ConnConfig config = ConnConfig.parse("host=127.0.0.1 port=" + PG.primary().port() + " user=" + R2dbcTestServer.USER
                + " password=" + R2dbcTestServer.PASSWORD + " dbname=" + R2dbcTestServer.DATABASE + " sslmode=disable extensionTypes=''",
                EnvironmentSource.of(Map.of()));
        return PgConnectionFactory.builder(config).tracer(recorder).build();
    }
}
