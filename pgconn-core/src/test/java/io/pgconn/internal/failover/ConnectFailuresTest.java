package io.pgconn.internal.failover;

import io.pgconn.ConnectFailures;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.ServerErrorFields;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConnectFailures}, the one place a failed connect is classified for trying again (docs/lifecycle.md §2.3),
 * on failures as the connect reports them: one host's failure as itself, several as the walk's own report
 * ({@link WalkFailures}, here in its package), whose last host decides.
 */
class ConnectFailuresTest {

    private static final String DB1 = "db1:5432";
    private static final String DB2 = "db2:5432";

    @Test
    void aServerBrieflyAwayIsWorthRetryingSoon() {
        assertThat(ConnectFailures.isWorthRetryingSoon(refused(DB1))).as("refused").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(new PgConnectException(DB1,
                "connection to " + DB1 + " failed: the server reset the connection (ECONNRESET)"))).as("reset").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(new PgTimeoutException(DB1, "connect to " + DB1 + " timed out"))).as("timed out").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(startup(DB1, "57P03"))).as("starting up").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(startup(DB1, "57P01"))).as("shutting down").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(startup(DB1, "57P02"))).as("crash restart").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(new PgClosedException(DB1, "connection to " + DB1 + " closed")))
                .as("closed while it was opened").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(standby(DB1))).as("no primary yet, one host").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(walk(standby(DB1), standby(DB2)))).as("no primary yet, two hosts").isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(walk(refused(DB1), startup(DB2, "57P03")))).as("refused, then starting up").isTrue();
    }

    /**
     * A connect on a closed factory fails with "connection factory is closed" and can never succeed: not worth a retry
     * (a pool's create retry tried it until its deadline). Seen failing before: true, as for any closed connection.
     */
    @Test
    void aClosedFactoryIsNotWorthRetrying() throws Exception {
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();
        factory.close();
        Throwable closed = factory.connect().handle((ok, error) -> error).get(5, TimeUnit.SECONDS);
        assertThat(closed).isInstanceOf(PgFactoryClosedException.class).hasMessageContaining("connection factory is closed");
        assertThat(ConnectFailures.isWorthRetryingSoon((PgException) closed)).isFalse();
        assertThat(ConnectFailures.isWorthRetryingSoon(new PgFactoryClosedException(DB1, "connect to " + DB1
                + " failed: the connection factory was closed"))).isFalse();
        assertThat(ConnectFailures.isWorthRetryingSoon(walk(refused(DB1), new PgFactoryClosedException(DB2, "connect to " + DB2
                + " failed: the connection factory was closed")))).as("the walk cut off by the close").isFalse();
    }

    @Test
    void aRefusedLoginTlsConfigurationAMissingDatabaseAndAFullServerAreNot() {
        for (PgException lasting : new PgException[] {startup(DB1, "28P01"), startup(DB1, "28000"), startup(DB1, "3D000"),
                new PgTlsException(DB1, "server " + DB1 + " does not support TLS (sslmode=require)"),
                new PgConfigException(null, "sslmode", "sometimes", "invalid sslmode")}) {
            assertThat(ConnectFailures.isWorthRetryingSoon(lasting)).as(lasting.getMessage()).isFalse();
            assertThat(ConnectFailures.isLasting(lasting)).as(lasting.getMessage()).isTrue();
        }
        assertThat(ConnectFailures.isWorthRetryingSoon(startup(DB1, "53300"))).as("no free slot").isFalse();
        assertThat(ConnectFailures.isLasting(startup(DB1, "53300"))).as("no free slot is not lasting").isFalse();
        assertThat(ConnectFailures.isWorthRetryingSoon(startup(DB1, "XX000"))).as("another server error").isFalse();
    }

    /** The walk's last host decides: a host down before a server refused the password or the database says nothing. */
    @Test
    void theWalksLastHostDecides() {
        PgException password = walk(refused(DB1), startup(DB2, "28P01"));
        assertThat(password).isInstanceOf(PgAuthenticationException.class);
        assertThat(ConnectFailures.deciding(password).host()).isEqualTo(DB2);
        assertThat(ConnectFailures.isWorthRetryingSoon(password)).isFalse();
        PgException database = walk(refused(DB1), startup(DB2, "3D000"));
        assertThat(ConnectFailures.deciding(database).sqlState()).contains("3D000");
        assertThat(ConnectFailures.isWorthRetryingSoon(database)).isFalse();
        assertThat(ConnectFailures.isLasting(ConnectFailures.deciding(database))).isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon(walk(refused(DB1), startup(DB2, "53300")))).as("full last").isFalse();
        assertThat(ConnectFailures.isWorthRetryingSoon(walk(startup(DB1, "53300"), refused(DB2)))).as("refused last").isTrue();
        PgException one = refused(DB1);
        assertThat(ConnectFailures.deciding(one)).as("one failure is its own").isSameAs(one);
    }

    /**
     * REVIEW-24 R24-6, the choice pinned: a 3D000 moves the walk on (a standby that has not replayed the database yet),
     * so a database refused on one host with the last host down is worth a retry — the host that did not answer may be the
     * primary that has it, restarting. Only a database every host refused is lasting.
     */
    @Test
    void aDatabaseRefusedWhereTheLastHostDidNotAnswerIsWorthARetry() {
        PgException notAnswered = walk(startup(DB1, "3D000"), refused(DB2));
        assertThat(ConnectFailures.isWorthRetryingSoon(notAnswered)).isTrue();
        assertThat(ConnectFailures.isLasting(ConnectFailures.deciding(notAnswered))).isFalse();
        PgException everywhere = walk(startup(DB1, "3D000"), startup(DB2, "3D000"));
        assertThat(ConnectFailures.isWorthRetryingSoon(everywhere)).isFalse();
        assertThat(ConnectFailures.isLasting(ConnectFailures.deciding(everywhere))).isTrue();
    }

    /** 53300 is its own class: not "briefly away" (a slot frees when a client lets go), not lasting. */
    @Test
    void aServerWithoutAFreeSlotIsNoFreeSlotWhenItDecided() {
        assertThat(ConnectFailures.isNoFreeSlot(startup(DB1, "53300"))).isTrue();
        assertThat(ConnectFailures.isNoFreeSlot(walk(refused(DB1), startup(DB2, "53300")))).as("full last").isTrue();
        assertThat(ConnectFailures.isNoFreeSlot(walk(startup(DB1, "53300"), refused(DB2)))).as("refused last").isFalse();
        for (PgException other : new PgException[] {refused(DB1), startup(DB1, "57P03"), startup(DB1, "28P01"), startup(DB1, "3D000"),
                standby(DB1), new PgTlsException(DB1, "tls")}) {
            assertThat(ConnectFailures.isNoFreeSlot(other)).as(other.getMessage()).isFalse();
        }
    }

    @Test
    void theRetryListIsTheNextHostListWithoutTheFullServer() {
        for (String state : new String[] {"57P01", "57P02", "57P03"}) {
            assertThat(PgErrors.isNotServingNow(state)).as(state).isTrue();
            assertThat(PgErrors.isTryNextHost(state)).as(state).isTrue();
        }
        assertThat(PgErrors.isNotServingNow("53300")).isFalse();
        assertThat(PgErrors.isTryNextHost("53300")).isTrue();
        assertThat(PgErrors.isNotServingNow("3D000")).isFalse();
        assertThat(PgErrors.isTryNextHost("3D000")).as("a standby that has not replayed the database yet").isTrue();
        assertThat(PgErrors.isNotServingNow("57P04")).as("database dropped").isFalse();
        assertThat(PgErrors.isTryNextHost("57P04")).isFalse();
    }

    /**
     * A line added to a walk's report (the R2DBC fallback's standby left out) is laid out as the hosts' lines, once, and
     * the report keeps its kind and its hosts' failures, so the same host decides it; any other failure is left as it
     * is. Until session 26 the R2DBC driver rebuilt the report with its own copy of the walk's rule.
     */
    @Test
    void aLineAddedToAWalksReportKeepsItsKindItsHostsAndItsDecidingHost() {
        PgException down = refused(DB1);
        PgException password = PgErrors.fromServer(DB2, new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'C', "28P01",
                'M', "password authentication failed", 'H', "check the password")), true);
        PgException report = walk(down, password);

        PgException added = ConnectFailures.withHostLine(report, "db3:5432", "left out: it refused this login\nHINT: a second line");

        assertThat(added).isInstanceOf(PgAuthenticationException.class).isNotSameAs(report);
        assertThat(added.host()).isNull();
        assertThat(report.getMessage()).startsWith("could not connect to any of 2 hosts (target_session_attrs=read-write):");
        assertThat(added.getMessage()).as("the host added is counted").isEqualTo(report.getMessage()
                .replace("any of 2 hosts", "any of 3 hosts") + "\n  db3:5432: left out: it refused this login\n    HINT: a second line");
        assertThat(added.getMessage().lines().filter(l -> l.startsWith("  " + DB1 + ": "))).hasSize(1);
        assertThat(added.getSuppressed()).containsExactly(down, password);
        assertThat(ConnectFailures.deciding(added)).isSameAs(password);
        assertThat(added.sqlState()).isEqualTo(report.sqlState()).contains("28P01");
        assertThat(ConnectFailures.isWalkReport(added)).isTrue();
        assertThat(ConnectFailures.withHostLine(added, "db4:5432", "left out").getMessage()).as("counted from the report's state")
                .startsWith("could not connect to any of 4 hosts (target_session_attrs=read-write):")
                .endsWith("\n  db3:5432: left out: it refused this login\n    HINT: a second line\n  db4:5432: left out");
        PgException callersOwn = new PgConnectException(null, "no host answered:");
        callersOwn.addSuppressed(down);
        assertThat(ConnectFailures.withHostLine(callersOwn, "db3:5432", "left out").getMessage())
                .as("a report pgconn did not make: the line, its first line as it was")
                .isEqualTo("no host answered:\n  db3:5432: left out");

        assertThat(ConnectFailures.withHostLine(down, "db3:5432", "left out")).as("one host's failure").isSameAs(down);
        assertThat(ConnectFailures.isWalkReport(down)).isFalse();
        assertThat(ConnectFailures.withHostLine(walk(down, refused(DB2)), "db3:5432", "left out"))
                .isExactlyInstanceOf(PgConnectException.class);
    }

    private static PgException walk(PgException... hosts) {
        WalkFailures failures = new WalkFailures();
        for (PgException host : hosts) {
            failures.add(host.host(), host);
        }
        return failures.aggregate(hosts.length, TargetSessionAttrs.READ_WRITE);
    }

    private static PgException refused(String host) {
        return new PgConnectException(host, "connection to " + host + " failed: connection refused");
    }

    private static PgException standby(String host) {
        return new PgRoleMismatchException(host, ServerRole.STANDBY, TargetSessionAttrs.READ_WRITE);
    }

    /** The FATAL a server sends while the session starts, as the connect reports it. */
    private static PgException startup(String host, String sqlState) {
        return PgErrors.fromServer(host, new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'C', sqlState, 'M', "no")), true);
    }
}
