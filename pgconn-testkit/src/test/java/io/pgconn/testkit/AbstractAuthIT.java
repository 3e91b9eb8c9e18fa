package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every pg_hba method and connection type, judged by the outcome of real pgjdbc connections. */
abstract class AbstractAuthIT {

    static PgClusterExtension.Builder users(PgClusterExtension.Builder b) {
        return b
                .user(PgUser.scram("trusty", "trusty-pw").allow(ConnectionType.HOST, AuthMethod.TRUST))
                .user(PgUser.scram("clear", "clear-pw").allow(ConnectionType.HOST, AuthMethod.PASSWORD))
                .user(PgUser.md5("md5user", "md5-pw").allow(ConnectionType.HOST, AuthMethod.MD5))
                .user(PgUser.scram("scramuser", "scram-pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .user(PgUser.scram("refused", "refused-pw").allow(ConnectionType.HOST, AuthMethod.REJECT))
                .user(PgUser.scram("plainonly", "plain-pw").allow(ConnectionType.HOSTNOSSL, AuthMethod.SCRAM_SHA_256))
                .user(PgUser.scram("tlsonly", "tls-pw").allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
                .user(PgUser.named("socketonly").allow(ConnectionType.LOCAL, AuthMethod.TRUST));
    }

    abstract PgServer server();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"clear", "md5user", "scramuser"})
    void rightPasswordConnectsWrongPasswordIsRefused(String user) throws Exception {
        PgServer pg = server();
        assertThat(Jdbc.value(pg, Jdbc.props(user, pg.password(user)), "SELECT current_user")).isEqualTo(user);
        assertThatThrownBy(() -> Jdbc.value(pg, Jdbc.props(user, pg.password(user) + "-wrong"), "SELECT 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void trustLetsAnyPasswordIn() throws Exception {
        PgServer pg = server();
        assertThat(Jdbc.value(pg, Jdbc.props("trusty", "not-the-password"), "SELECT current_user")).isEqualTo("trusty");
    }

    @Test
    void secretsAreStoredAsAsked() {
        PgServer pg = server();
        assertThat(pg.queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = 'md5user'")).startsWith("md5");
        assertThat(pg.queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = 'scramuser'"))
                .startsWith("SCRAM-SHA-256$");
    }

    @Test
    void rejectRuleRefuses() {
        PgServer pg = server();
        assertThatThrownBy(() -> Jdbc.value(pg, Jdbc.props("refused", "refused-pw"), "SELECT 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("rejects");
                });
    }

    @Test
    void hostnosslAcceptsPlainAndRefusesTls() throws Exception {
        PgServer pg = server();
        assertThat(Jdbc.value(pg, Jdbc.props("plainonly", "plain-pw"), "SELECT current_user")).isEqualTo("plainonly");
        assertThatThrownBy(() -> Jdbc.value(pg, Jdbc.props("plainonly", "plain-pw", "sslmode", "require"), "SELECT 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    }

    @Test
    void hostsslAcceptsTlsAndRefusesPlain() throws Exception {
        PgServer pg = server();
        try (Connection c = Jdbc.connect(pg, Jdbc.props("tlsonly", "tls-pw", "sslmode", "require"))) {
            assertThat(Jdbc.value(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("t");
        }
        assertThatThrownBy(() -> Jdbc.value(pg, Jdbc.props("tlsonly", "tls-pw"), "SELECT 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    }

    @Test
    void localRuleAllowsTheSocketOnly() {
        PgServer pg = server();
        assertThatThrownBy(() -> Jdbc.value(pg, Jdbc.props("socketonly", null), "SELECT 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        try (AdminClient c = AdminClient.connect(pg.socketDirectory(), pg.port(), "socketonly", "postgres",
                java.time.Duration.ofSeconds(10))) {
            assertThat(c.query("SELECT current_user").get(0)).containsExactly("socketonly");
        }
    }

    @Test
    void undeclaredUserHasNoRule() {
        PgServer pg = server();
        pg.execute("DROP ROLE IF EXISTS stranger; CREATE ROLE stranger LOGIN PASSWORD 'x'");
        assertThatThrownBy(() -> Jdbc.value(pg, Jdbc.props("stranger", "x"), "SELECT 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("no pg_hba.conf entry");
                });
    }
}
