package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgServerException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.ServerErrorFields;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spring.boot.autoconfigure.StartupFailureAction.Cause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** New user 6 F3: the start-up report's Action fits the cause, from the SQLSTATE and the exception type. */
class StartupFailureActionTest {

    private static final String HOST = "db1:5432";

    private static PgException fatal(String sqlState) {
        return new PgConnectException(HOST, "server " + HOST + " reported FATAL: ... (SQLSTATE " + sqlState + ")",
                new ServerErrorFields(Map.of('S', "FATAL", 'C', sqlState, 'M', "...")), null);
    }

    @ParameterizedTest
    @CsvSource({ "3D000, UNKNOWN_DATABASE", "28P01, WRONG_PASSWORD", "28000, NOT_AUTHORIZED",
            "53300, TOO_MANY_CONNECTIONS", "57P03, STARTING_UP", "XX000, UNKNOWN" })
    void aServersSqlStateChoosesTheCause(String sqlState, Cause expected) {
        assertThat(StartupFailureAction.cause(fatal(sqlState))).isEqualTo(expected);
    }

    @Test
    void aWrongPasswordAsAnAuthenticationFailureIsStillItsSqlState() {
        PgException failure = new PgAuthenticationException(HOST, "password authentication failed",
                new ServerErrorFields(Map.of('S', "FATAL", 'C', "28P01")), null);
        assertThat(StartupFailureAction.cause(failure)).isEqualTo(Cause.WRONG_PASSWORD);
    }

    @Test
    void theExceptionTypeChoosesTheCauseWithoutASqlState() {
        assertThat(StartupFailureAction.cause(new PgTlsException(HOST, "server does not support SSL", new SSLHandshakeException("x"))))
                .isEqualTo(Cause.TLS);
        assertThat(StartupFailureAction.cause(new PgAuthenticationException(HOST, "no password was supplied")))
                .isEqualTo(Cause.CLIENT_AUTHENTICATION);
        assertThat(StartupFailureAction.cause(new PgTimeoutException(HOST, "could not connect within connectTimeout=5ms")))
                .isEqualTo(Cause.NO_ANSWER);
        assertThat(StartupFailureAction.cause(new TimeoutException())).isEqualTo(Cause.NO_ANSWER);
        assertThat(StartupFailureAction.cause(new PgConnectException(HOST, "connection refused", new ConnectException("refused"))))
                .isEqualTo(Cause.UNREACHABLE);
        assertThat(StartupFailureAction.cause(new PgConnectException(HOST, "no route", new NoRouteToHostException("x"))))
                .isEqualTo(Cause.UNREACHABLE);
        assertThat(StartupFailureAction.cause(new PgConnectException(HOST, "could not translate host name",
                new UnknownHostException("db1")))).isEqualTo(Cause.UNREACHABLE);
        assertThat(StartupFailureAction.cause(new PgServerException(HOST, "something else"))).isEqualTo(Cause.UNKNOWN);
        assertThat(StartupFailureAction.cause(new IllegalStateException("bug"))).isEqualTo(Cause.UNKNOWN);
    }

    @Test
    void eachCausesActionNamesWhatToChange() {
        assertThat(StartupFailureAction.of(fatal("3D000"))).contains("'pg.conn.database'").doesNotContain("pg.conn.password");
        assertThat(StartupFailureAction.of(fatal("28P01"))).contains("'pg.conn.username'", "'pg.conn.password'");
        assertThat(StartupFailureAction.of(fatal("28000"))).contains("pg_hba.conf", "the fix is on the server");
        assertThat(StartupFailureAction.of(fatal("53300"))).contains("max_connections", "'pg.conn.pool.max-size'");
        assertThat(StartupFailureAction.of(fatal("57P03"))).contains("starting up");
        assertThat(StartupFailureAction.of(new PgTlsException(HOST, "tls"))).contains("'pg.conn.ssl.*'");
        assertThat(StartupFailureAction.of(new PgConnectException(HOST, "refused", new ConnectException())))
                .contains("running and listening at the host and port in 'pg.conn.hosts'").doesNotContain("pg.conn.password");
        assertThat(StartupFailureAction.of(new TimeoutException())).contains("'pg.conn.connect-timeout'");
        // new user 19's F5: an HTTP server at the port; no login had begun (seen failing before: the general text)
        assertThat(StartupFailureAction.of(new PgProtocolException(HOST, "expected 'S', 'N' or 'E' in answer to SSLRequest"
                + " from db1:5432, received byte 0x48 ('H'); it begins \"HTTP/\": an HTTP server answers at that port, not PostgreSQL")))
                .contains("the host and port in 'pg.conn.hosts'", "does not speak PostgreSQL's protocol").doesNotContain("pg.conn.password");
        for (Cause cause : Cause.values()) {
            assertThat(cause.action()).as(cause.name()).doesNotEndWith(".");
        }
    }

    /**
     * NEW-USER-20 F10: a client TLS file that cannot be used — a key password that does not decrypt the key, a key
     * others may read — is this application's configuration, not the server or the login: the action names the
     * pg.conn.ssl.* file properties and the key password (it got "check that the server is running ... password").
     */
    @Test
    void aClientTlsFileThatCannotBeUsedNamesTheSslFileProperties() {
        PgConfigException wrongKeyPassword = new PgConfigException(HOST, "sslkey", "/etc/pki/app.key", "connection to " + HOST
                + " failed: could not decrypt sslkey file \"/etc/pki/app.key\": wrong sslpassword, or the file is damaged;"
                + " sslkey must name ...");
        assertThat(StartupFailureAction.cause(wrongKeyPassword).name()).isEqualTo("TLS_FILE");
        for (String keyword : new String[] {"sslrootcert", "sslcert", "sslcrl", "sslcrldir", "sslpassword"}) {
            assertThat(StartupFailureAction.cause(new PgConfigException(HOST, keyword, "/x", "m")).name()).as(keyword).isEqualTo("TLS_FILE");
        }
        assertThat(StartupFailureAction.of(wrongKeyPassword)).startsWith("Check this application's TLS files:")
                .contains("'pg.conn.ssl.key'", "'pg.conn.ssl.key-password'", "chmod 0600").doesNotContain("pg.conn.password");
        assertThat(StartupFailureAction.cause(new PgConfigException(HOST, "sslmode", "verify-full", "m")))
                .as("another setting's error is not a TLS file's").isEqualTo(Cause.UNKNOWN);
    }

    /** An unknown cause keeps the text every failure had before. */
    @Test
    void anUnknownCauseGetsTheGeneralAction() {
        assertThat(StartupFailureAction.of(new PgServerException(HOST, "?"))).isEqualTo("Check that the server is running and"
                + " reachable and that 'pg.conn.username' and 'pg.conn.password' are right, or set 'pg.conn.startup-check'"
                + " to 'warn' to start without the database.");
        assertThat(StartupFailureAction.ofUnknownCause()).isEqualTo(StartupFailureAction.of(new PgServerException(HOST, "?")));
    }

    /** A multi-host walk's failure: each host's cause as suppressed, each distinct one's action once, in order. */
    @Test
    void aMultiHostFailureGivesEachDistinctCausesActionInOrder() {
        PgException walk = new PgConnectException(null, "could not connect to any of 3 hosts (target_session_attrs=any):");
        walk.addSuppressed(new PgConnectException("db1:5432", "refused", new ConnectException()));
        walk.addSuppressed(fatal("3D000"));
        walk.addSuppressed(new PgConnectException("db3:5432", "refused", new ConnectException()));
        assertThat(StartupFailureAction.causes(walk)).containsExactly(Cause.UNREACHABLE, Cause.UNKNOWN_DATABASE);
        assertThat(StartupFailureAction.of(walk)).isEqualTo(Cause.UNREACHABLE.action() + ".\n" + Cause.UNKNOWN_DATABASE.action()
                + ".\nOr set 'pg.conn.startup-check' to 'warn' to start without the database.");
    }

    /**
     * REVIEW-11 F6: a server of another role than target_session_attrs wants names that setting and the hosts, not the
     * password; so does a walk where every host had another role (two standbys while a failover has no primary yet).
     */
    @Test
    void aServerOfAnotherRoleNamesTargetSessionAttrsAlsoWhenEveryHostHadIt() {
        PgException standby = new PgRoleMismatchException(HOST, ServerRole.STANDBY, TargetSessionAttrs.PRIMARY);
        assertThat(StartupFailureAction.cause(standby)).isEqualTo(Cause.WRONG_ROLE);
        assertThat(StartupFailureAction.of(standby)).contains("'pg.conn.target-session-attrs'", "'pg.conn.hosts'", "failover")
                .doesNotContain("pg.conn.password");
        PgException walk = new PgConnectException(null, "could not connect to any of 2 hosts (target_session_attrs=primary):");
        walk.addSuppressed(standby);
        walk.addSuppressed(new PgRoleMismatchException("db2:5432", ServerRole.STANDBY, TargetSessionAttrs.PRIMARY));
        assertThat(StartupFailureAction.causes(walk)).containsExactly(Cause.WRONG_ROLE);
        assertThat(StartupFailureAction.forWarning(walk)).isEqualTo(Cause.WRONG_ROLE.action() + ".");
    }

    /** {@code warn}'s line: the same actions, on one line, without the advice to use {@code warn}. */
    @Test
    void theWarningGivesTheSameActionsOnOneLineWithoutTheWayToStartAnyway() {
        assertThat(StartupFailureAction.forWarning(fatal("3D000"))).isEqualTo(Cause.UNKNOWN_DATABASE.action() + ".");
        PgException walk = new PgConnectException(null, "could not connect to any of 2 hosts (target_session_attrs=any):");
        walk.addSuppressed(new PgConnectException("db1:5432", "refused", new ConnectException()));
        walk.addSuppressed(fatal("28P01"));
        assertThat(StartupFailureAction.forWarning(walk))
                .isEqualTo(Cause.UNREACHABLE.action() + ". " + Cause.WRONG_PASSWORD.action() + ".")
                .doesNotContain("\n").doesNotContain("'pg.conn.startup-check'");
    }

    /** One host tried with and without TLS: its failure names a host, the other attempt is suppressed, not another host. */
    @Test
    void aSingleHostsFailureIsItsOwnCauseWhateverItCarriesAsSuppressed() {
        PgException failure = fatal("28P01");
        failure.addSuppressed(new PgTlsException(HOST, "tls"));
        assertThat(StartupFailureAction.causes(failure)).containsExactly(Cause.WRONG_PASSWORD);
    }
}
