package io.pgconn.spring.boot.autoconfigure.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgServerException;
import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.StoppedObservations;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnSessions;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnSessionsAutoConfiguration;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProxyAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.r2dbc.core.DatabaseClient;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Core statements as {@code pg.conn.statement} observations (docs/starter.md §4) in a
 * {@link TestObservationRegistry}, against a real server: OpenTelemetry's database keys, the caller's
 * observation as the parent, the server's SQLSTATE as {@code error.type}, the SQL text only when asked and
 * never a parameter value; an R2DBC statement observed once — by Boot's {@code r2dbc.query} when r2dbc-proxy's
 * observation wraps the starter's factory, else by the starter — and {@link PgConnSessions}' work always.
 */
class PgConnStatementObservationIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    /** A parameter value that must never reach an observation. */
    private static final String SECRET = "stmt-S3cret-value";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-statement-observation")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE DATABASE " + StarterCluster.USER + " OWNER " + StarterCluster.USER)
            .build();

    /** What the tests read: every observation that stopped. */
    private final StoppedObservations stopped = new StoppedObservations();

    private ApplicationContextRunner runner(Class<?>... configurations) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(configurations))
                .withBean(ObservationRegistry.class, stopped::registry)
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.database=" + StarterCluster.USER,
                        "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
                        "pg.conn.ssl.mode=disable", "pg.conn.extension-types=", "pg.conn.pool.initial-size=0");
    }

    private ApplicationContextRunner coreOnly() {
        return runner(PgConnAutoConfiguration.class, PgConnMetricsAutoConfiguration.class);
    }

    @Test
    void aCoreStatementIsAnObservationWithOpenTelemetrysDatabaseKeysUnderTheCallersObservation() {
        coreOnly().run(context -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            PgConnection c = context.getBean(PgConnectionFactory.class).connect().get();
            try {
                Observation outer = Observation.start("outer", registry);
                try (Observation.Scope ignored = outer.openScope()) {
                    c.query("SELECT $1::text", SECRET).join();
                } finally {
                    outer.stop();
                }
                assertThatThrownBy(() -> c.query("SELECT 1 / $1", 0).join()).hasCauseInstanceOf(PgServerException.class);
            } finally {
                c.close().join();
            }
            List<Observation.Context> statements = statements(registry);
            assertThat(statements).hasSize(2);
            Observation.Context select = statements.get(0);
            assertThat(select.getContextualName()).isEqualTo("SELECT " + StarterCluster.USER);
            assertThat(low(select)).contains(KeyValue.of("db.system.name", "postgresql"), KeyValue.of("db.namespace", StarterCluster.USER),
                    KeyValue.of("db.operation.name", "SELECT"), KeyValue.of("server.address", "127.0.0.1"),
                    KeyValue.of("server.port", Integer.toString(PG.primary().port())), KeyValue.of("outcome", "success"),
                    KeyValue.of("error.type", "none"), KeyValue.of("db.response.status_code", "00000"), KeyValue.of("layer", "core"),
                    KeyValue.of("name", "pgConnectionFactory"));
            assertThat(select.getHighCardinalityKeyValue("db.response.returned_rows").getValue()).isEqualTo("1");
            assertThat(select.getHighCardinalityKeyValue("db.query.text")).as("the text only when asked").isNull();
            assertThat(select.getParentObservation()).isNotNull();
            assertThat(select.getParentObservation().getContextView().getName()).isEqualTo("outer");
            Observation.Context failed = statements.get(1);
            assertThat(low(failed)).contains(KeyValue.of("outcome", "server-error"), KeyValue.of("error.type", "22012"),
                    KeyValue.of("db.response.status_code", "22012"));
            assertThat(failed.getError()).isInstanceOf(PgServerException.class);
            assertNoSecret(registry);
        });
    }

    @Test
    void withIncludeQueryTextTheSqlIsAHighCardinalityKeyAndStillNoParameterValue() {
        coreOnly().withPropertyValues("management.observations.pgconn.include-query-text=true").run(context -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            PgConnection c = context.getBean(PgConnectionFactory.class).connect().get();
            try {
                c.query("SELECT $1::text", SECRET).join();
            } finally {
                c.close().join();
            }
            assertThat(statements(registry).get(0).getHighCardinalityKeyValue("db.query.text").getValue()).isEqualTo("SELECT $1::text");
            assertNoSecret(registry);
        });
    }

    /**
     * AUDIT-13 L6: a literal of the SQL text reached the observation's error through the server's message — the core
     * cuts the quoted value only for statements sent with parameters — although the text itself is left out. The
     * error is the same class with the server's severity and SQLSTATE, without its message; with the text included,
     * the message is too.
     */
    @Test
    void theServersMessageQuotingALiteralReachesTheObservationsErrorOnlyWithTheQueryText() {
        String[] literalQuoting = {"SELECT '" + SECRET + "'::int", "SELECT 1 '" + SECRET + "'"};
        coreOnly().run(context -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            PgConnection c = context.getBean(PgConnectionFactory.class).connect().get();
            try {
                for (String sql : literalQuoting) {
                    assertThatThrownBy(() -> c.simpleQuery(sql).join()).hasMessageContaining(SECRET);
                    assertThatThrownBy(() -> c.query(sql).join()).hasMessageContaining(SECRET);
                }
            } finally {
                c.close().join();
            }
            List<Observation.Context> failed = statements(registry);
            assertThat(failed).hasSize(4);
            assertThat(failed).extracting(observed -> observed.getLowCardinalityKeyValue("error.type").getValue())
                    .containsExactly("22P02", "22P02", "42601", "42601");
            assertThat(failed).allSatisfy(observed -> assertThat(observed.getError()).isExactlyInstanceOf(PgServerException.class)
                    .hasMessageContaining("reported ERROR " + observed.getLowCardinalityKeyValue("error.type").getValue())
                    .hasMessageContaining("include-query-text=true").hasNoCause()
                    .satisfies(e -> assertThat(((PgServerException) e).sqlState()).contains(
                            observed.getLowCardinalityKeyValue("error.type").getValue()))
                    .satisfies(e -> assertThat(((PgServerException) e).serverFieldMap().values()).noneMatch(v -> v.contains(SECRET))));
            assertNoSecret(registry);
        });
        stopped.contexts.clear();
        coreOnly().withPropertyValues("management.observations.pgconn.include-query-text=true").run(context -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            PgConnection c = context.getBean(PgConnectionFactory.class).connect().get();
            try {
                assertThatThrownBy(() -> c.simpleQuery(literalQuoting[0]).join()).hasMessageContaining(SECRET);
            } finally {
                c.close().join();
            }
            assertThat(statements(registry)).singleElement().satisfies(observed -> {
                assertThat(observed.getHighCardinalityKeyValue("db.query.text").getValue()).contains(SECRET);
                assertThat(observed.getError()).hasMessageContaining(SECRET);
            });
        });
    }

    @Test
    void underBootsR2dbcQueryObservationAnR2dbcStatementIsObservedOnceAndSessionsWorkByTheStarter() {
        runner(R2dbcProxyAutoConfiguration.class, R2dbcObservationAutoConfiguration.class, PgConnAutoConfiguration.class,
                PgConnR2dbcAutoConfiguration.class, PgConnSessionsAutoConfiguration.class, PgConnMetricsAutoConfiguration.class).run(context -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            DatabaseClient client = DatabaseClient.create(context.getBean(ConnectionFactory.class));
            assertThat(client.sql("SELECT $1::text").bind(0, SECRET).map(row -> row.get(0, String.class)).one().block(STEP)).isEqualTo(SECRET);
            awaitCondition("the r2dbc.query observation", STEP, () -> stopped(registry).stream()
                    .anyMatch(observed -> "r2dbc.query".equals(observed.getName())));
            assertThat(statements(registry)).as("pgconn-r2dbc's statements are r2dbc.query's")
                    .extracting(observed -> observed.getLowCardinalityKeyValue("layer").getValue()).doesNotContain("r2dbc");
            int before = statements(registry).size();
            String answer = context.getBean(PgConnSessions.class).inTransaction(session -> session.query("SELECT $1::text", SECRET).join()
                    .single(String.class));
            assertThat(answer).isEqualTo(SECRET);
            // inTransaction's BEGIN rides in the first statement's Sync group (beginWithFirstStatement, session 26): it is
            // part of that statement's round trip, not a statement event of its own (query.md §5)
            assertThat(statements(registry).subList(before, statements(registry).size()))
                    .extracting(observed -> observed.getLowCardinalityKeyValue("db.operation.name").getValue())
                    .containsExactly("SELECT", "COMMIT");
        });
    }

    @Test
    void withoutBootsR2dbcQueryObservationTheStarterObservesR2dbcStatements() {
        runner(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class, PgConnMetricsAutoConfiguration.class).run(context -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            DatabaseClient client = DatabaseClient.create(context.getBean(ConnectionFactory.class));
            assertThat(client.sql("SELECT $1::text").bind(0, SECRET).map(row -> row.get(0, String.class)).one().block(STEP)).isEqualTo(SECRET);
            awaitCondition("the R2DBC statement's observation", STEP, () -> statements(registry).stream()
                    .anyMatch(observed -> "r2dbc".equals(observed.getLowCardinalityKeyValue("layer").getValue())));
            Observation.Context r2dbc = statements(registry).stream()
                    .filter(observed -> "r2dbc".equals(observed.getLowCardinalityKeyValue("layer").getValue())).findFirst().orElseThrow();
            assertThat(low(r2dbc)).contains(KeyValue.of("db.operation.name", "SELECT"), KeyValue.of("outcome", "success"),
                    KeyValue.of("server.port", Integer.toString(PG.primary().port())));
            assertThat(stopped(registry)).noneMatch(observed -> "r2dbc.query".equals(observed.getName()));
            assertNoSecret(registry);
        });
    }

    /** Every observation stopped so far, in the order they stopped. */
    private List<Observation.Context> stopped(ObservationRegistry registry) {
        return stopped.contexts.stream().toList();
    }

    private List<Observation.Context> statements(ObservationRegistry registry) {
        return stopped(registry).stream().filter(observed -> PgConnStatementObservationTracer.STATEMENT.equals(observed.getName())).toList();
    }

    private static List<KeyValue> low(Observation.Context context) {
        return context.getLowCardinalityKeyValues().stream().toList();
    }

    private void assertNoSecret(ObservationRegistry registry) {
        for (Observation.Context observed : stopped(registry)) {
            assertThat(observed.getAllKeyValues()).extracting(KeyValue::getValue).noneMatch(value -> value.contains(SECRET));
            Throwable error = observed.getError();
            if (error != null) {
                assertThat(String.valueOf(error)).doesNotContain(SECRET);
            }
        }
    }
}
