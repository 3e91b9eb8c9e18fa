package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.hostile.Backend;
import io.pgconn.hostile.ScriptedServer;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcInitializationAutoConfiguration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pg.conn.startup-check} against a real server with a wrong password, and with the right one; the
 * report's Action for each cause a real server gives (new user 6 F3, {@link StartupFailureAction}).
 */
@ExtendWith(OutputCaptureExtension.class)
class PgConnStartupCheckIT {

    private static final String WRONG_PASSWORD = "not-the-Pa55word";

    /** A role pg_hba.conf rejects (28000). */
    private static final String HBA_REJECTED_USER = "hba_rejected";

    /** A role with CONNECTION LIMIT 0 (53300). */
    private static final String NO_SLOT_USER = "no_slot";

    private static final String OTHER_PASSWORD = "other-Pa55";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("starter-startup")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .user(PgUser.scram(HBA_REJECTED_USER, OTHER_PASSWORD).allow(ConnectionType.HOST, AuthMethod.REJECT))
            .user(PgUser.scram(NO_SLOT_USER, OTHER_PASSWORD).roleOptions("CONNECTION LIMIT 0")
                    .allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    private ApplicationContextRunner runner(String password) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + password, "pg.conn.extension-types=", "pg.conn.connect-timeout=5s");
    }

    @Test
    void warnLogsTheHostAndTheServersReasonAndStarts(CapturedOutput output) {
        runner(WRONG_PASSWORD).run(context -> {
            assertThat(context).hasNotFailed();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                    .contains("WARN").contains("could not connect to " + StarterCluster.label(PG.primary()))
                    .contains("password authentication failed")
                    .contains("Action: Check 'pg.conn.username' and 'pg.conn.password': the server refused the password"));
        });
        assertThat(output.getOut()).doesNotContain(WRONG_PASSWORD);
    }

    /** The WARN carries the same Action as {@code fail}'s report, without the advice to use {@code warn}. */
    @Test
    void warnGivesTheCausesActionNamingTheDatabasePropertyForAnUnknownDatabase(CapturedOutput output) {
        runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.startup-check=warn", "pg.conn.database=nosuchdb").run(context -> {
            assertThat(context).hasNotFailed();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                    .contains("could not connect to " + StarterCluster.label(PG.primary()))
                    .contains("database \"nosuchdb\" does not exist").contains("Action: Set 'pg.conn.database'"));
        });
        String warning = output.getOut().lines().filter(line -> line.contains("pgconn start-up check:")).findFirst().orElseThrow();
        assertThat(warning).contains("WARN").endsWith("the database is the user name.").doesNotContain("pg.conn.password")
                .doesNotContain("'pg.conn.startup-check'");
        assertThat(output.getOut()).doesNotContain(StarterCluster.PASSWORD);
    }

    @Test
    void failReportsTheHostAndTheServersReasonNeverThePassword(CapturedOutput output) {
        FailureAnalysis analysis = failureAnalysis(runner(WRONG_PASSWORD));
        assertThat(analysis.getDescription()).contains("Hosts: " + StarterCluster.label(PG.primary()))
                .contains("password authentication failed").doesNotContain(WRONG_PASSWORD);
        assertThat(analysis.getAction()).startsWith("Check 'pg.conn.username' and 'pg.conn.password': the server refused"
                + " the password").doesNotContain("running").doesNotContain(WRONG_PASSWORD);
        assertThat(output.getOut()).doesNotContain(WRONG_PASSWORD);
    }

    private static FailureAnalysis failureAnalysis(ApplicationContextRunner runner) {
        return FailedStartup.analysis(runner.withPropertyValues("pg.conn.startup-check=fail"));
    }

    /** New user 6 F3: the Action named username and password for a database that does not exist. */
    @Test
    void failNamesTheDatabasePropertyForAnUnknownDatabase() {
        FailureAnalysis analysis = failureAnalysis(runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.database=nosuchdb"));
        assertThat(analysis.getDescription()).contains("database \"nosuchdb\" does not exist").contains("3D000");
        assertThat(analysis.getAction()).startsWith("Set 'pg.conn.database'").doesNotContain("pg.conn.password")
                .endsWith("or set 'pg.conn.startup-check' to 'warn' to start without the database.");
    }

    /** New user 6 F3: a pg_hba.conf rejection (28000) is fixed on the server, not in the password. */
    @Test
    void failSaysAPgHbaRejectionIsFixedOnTheServer() {
        FailureAnalysis analysis = failureAnalysis(runner(OTHER_PASSWORD).withPropertyValues("pg.conn.username=" + HBA_REJECTED_USER));
        assertThat(analysis.getDescription()).contains("pg_hba.conf").contains("28000");
        assertThat(analysis.getAction()).contains("pg_hba.conf").contains("the fix is on the server")
                .doesNotContain(OTHER_PASSWORD);
    }

    @Test
    void failNamesTheConnectionLimitsWhenTheServerHasNoSlot() {
        FailureAnalysis analysis = failureAnalysis(runner(OTHER_PASSWORD).withPropertyValues("pg.conn.username=" + NO_SLOT_USER));
        assertThat(analysis.getDescription()).contains("too many connections").contains("53300");
        assertThat(analysis.getAction()).contains("max_connections").contains("CONNECTION LIMIT").contains("'pg.conn.pool.max-size'");
    }

    @Test
    void failNamesTheSslSettingsWhenTlsCannotStart() {
        FailureAnalysis analysis = failureAnalysis(runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.ssl.mode=require"));
        assertThat(analysis.getDescription()).contains("does not support SSL");
        assertThat(analysis.getAction()).startsWith("Check the TLS settings 'pg.conn.ssl.*'").doesNotContain("pg.conn.password");
    }

    @Test
    void failNamesHostAndPortForARefusedPort() {
        int port = StarterCluster.refusedPort();
        FailureAnalysis analysis = failureAnalysis(runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.hosts=127.0.0.1:" + port));
        assertThat(analysis.getDescription()).contains("refused").contains("127.0.0.1:" + port);
        assertThat(analysis.getAction()).startsWith("Check that the PostgreSQL server is running and listening at the host and"
                + " port in 'pg.conn.hosts'").doesNotContain("pg.conn.password");
    }

    /**
     * A server starting up (also shutting down, or a standby without hot standby) answers every login with 57P03:
     * the Action says to start again once it accepts, not to check the password. No testkit server holds that state
     * cheaply, so a scripted server answers each login with PostgreSQL's FATAL 57P03 (until now a unit test only).
     */
    @Test
    void failSaysToStartAgainWhenTheServerIsStartingUp() {
        try (ScriptedServer starting = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.errorResponse("57P03", "the database system is starting up"));
        })) {
            FailureAnalysis analysis = failureAnalysis(runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.hosts=" + starting.label()));
            assertThat(analysis.getDescription()).contains(starting.label()).contains("the database system is starting up")
                    .contains("57P03").doesNotContain(StarterCluster.PASSWORD);
            assertThat(analysis.getAction()).isEqualTo(StartupFailureAction.Cause.STARTING_UP.action()
                    + ", or set 'pg.conn.startup-check' to 'warn' to start without the database.");
            starting.awaitConnectionsEnded(Duration.ofSeconds(5));
            starting.assertScriptsPassed();
        }
    }

    /**
     * REVIEW-11: a server that answered but has not the role 'pg.conn.target-session-attrs' asks for (a primary
     * where a standby is wanted, a standby during a failover) got the catch-all Action — "check that the server
     * is running and reachable and that username and password are right" — all of which are.
     */
    @Test
    void failNamesTargetSessionAttrsWhenTheServerHasAnotherRole() {
        FailureAnalysis analysis = failureAnalysis(runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.target-session-attrs=standby"));
        assertThat(analysis.getDescription()).contains("not acceptable for target_session_attrs=standby");
        assertThat(analysis.getAction()).contains("'pg.conn.target-session-attrs'").doesNotContain("pg.conn.password");
    }

    /**
     * REVIEW-11 F6: every host of the walk has another role (here the primary twice for {@code standby}; two standbys
     * for {@code primary} during a failover are the same case): the walk's failure lists both, and the Action names
     * 'pg.conn.target-session-attrs' once.
     */
    @Test
    void failNamesTargetSessionAttrsWhenEveryHostHasAnotherRole() {
        String primary = StarterCluster.label(PG.primary());
        FailureAnalysis analysis = failureAnalysis(runner(StarterCluster.PASSWORD).withPropertyValues(
                "pg.conn.hosts=" + primary + "," + primary, "pg.conn.target-session-attrs=standby"));
        assertThat(analysis.getDescription()).contains("could not connect to any of 2 hosts (target_session_attrs=standby)")
                .contains(primary + ": server " + primary + " is primary, not acceptable for target_session_attrs=standby");
        assertThat(analysis.getAction()).isEqualTo(StartupFailureAction.Cause.WRONG_ROLE.action()
                + ", or set 'pg.conn.startup-check' to 'warn' to start without the database.");
    }

    /** A walk over a refused port and a server without the database: both causes' actions, in the hosts' order. */
    @Test
    void failGivesEachHostsCausesAction() {
        int port = StarterCluster.refusedPort();
        FailureAnalysis analysis = failureAnalysis(runner(StarterCluster.PASSWORD).withPropertyValues(
                "pg.conn.hosts=127.0.0.1:" + port + "," + StarterCluster.label(PG.primary()), "pg.conn.database=nosuchdb"));
        assertThat(analysis.getAction()).startsWith("Check that the PostgreSQL server is running and listening")
                .contains(".\nSet 'pg.conn.database'")
                .endsWith(".\nOr set 'pg.conn.startup-check' to 'warn' to start without the database.");
    }

    /** The new user's case: spring.sql.init on (as the README recommends), R2DBC pool, wrong password. */
    @Test
    void failReportsAWrongPasswordBeforeSqlInitMeetsIt(CapturedOutput output) {
        Throwable failure = FailedStartup.failure(runner(WRONG_PASSWORD)
                .withConfiguration(AutoConfigurations.of(PgConnR2dbcAutoConfiguration.class, R2dbcAutoConfiguration.class,
                        R2dbcInitializationAutoConfiguration.class))
                .withPropertyValues("pg.conn.startup-check=fail", "spring.sql.init.mode=always",
                        "spring.sql.init.schema-locations=classpath:sql-init/schema.sql"));
        FailedStartup.assertNoMessageContains(failure, "Failed to execute database script");
        assertThat(FailedStartup.analysis(failure).getDescription()).startsWith("pgconn could not connect at start-up")
                .contains("password authentication failed").doesNotContain(WRONG_PASSWORD);
        assertThat(output.getOut()).doesNotContain(WRONG_PASSWORD);
    }

    /** user3 F3: no password configured; the hint named PGPASSWORD, which the starter does not read (set here, to no avail). */
    @Test
    void noPasswordNamesTheStartersPropertyNotPgpassword(CapturedOutput output) {
        FailureAnalysis analysis = FailedStartup.analysis(new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER, "pg.conn.extension-types=",
                        "pg.conn.connect-timeout=5s", "pg.conn.startup-check=fail", "PGPASSWORD=" + StarterCluster.PASSWORD));
        assertThat(analysis.getDescription()).contains("but no password was supplied (pg.conn.password, PG_CONN_PASSWORD,")
                .contains("the starter does not read PGPASSWORD").doesNotContain("(password, PGPASSWORD or .pgpass)")
                .doesNotContain(StarterCluster.PASSWORD);
        assertThat(output.getOut()).doesNotContain(StarterCluster.PASSWORD);
    }

    @Test
    void failStartsWhenTheServerAcceptsAndLeavesNoConnectionOpen() {
        runner(StarterCluster.PASSWORD).withPropertyValues("pg.conn.startup-check=fail").run(context -> {
            assertThat(context).hasNotFailed();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(context
                    .getBean(io.pgconn.PgConnectionFactory.class).openConnections()).isZero());
        });
    }
}
