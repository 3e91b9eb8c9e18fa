package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PgServer#rejectLogins}, which drills use to change {@code pg_hba.conf} under a running application (session 24's
 * eviction-churn drill): a running server rejects the user's new TCP logins with 28000 at once (the reload is waited
 * for), a session opened before keeps working, and taking the rule back lets the user in again; a stopped server takes
 * the rule at its next start. Session 25 moved the change-and-reload into {@code ServerReconfiguration}; this pins what
 * it does, which no testkit test did (only the starter's drill used it).
 */
class RejectLoginsIT {

    private static final String USER = "app";
    private static final String PASSWORD = "app-pw";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("reject-logins")
            .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .build();

    @Test
    void aRunningServerRejectsNewLoginsAtOnceAndKeepsTheSessionsOpen() throws Exception {
        PgServer server = PG.primary();
        try (Connection before = Jdbc.connect(server, Jdbc.props(USER, PASSWORD))) {
            server.rejectLogins(USER, true);
            try {
                assertThatThrownBy(() -> Jdbc.connect(server, Jdbc.props(USER, PASSWORD)).close())
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
                assertThat(Jdbc.value(before, "SELECT 1")).as("a session opened before the rule").isEqualTo("1");
                assertThat(server.queryValue("SELECT 1")).as("the superuser's socket login").isEqualTo("1");
            } finally {
                server.rejectLogins(USER, false);
            }
        }
        assertThat(Jdbc.value(server, Jdbc.props(USER, PASSWORD), "SELECT current_user")).isEqualTo(USER);
    }

    @Test
    void aStoppedServerTakesTheRuleAtItsNextStart() throws Exception {
        PgServer server = PG.primary();
        server.stop();
        try {
            server.rejectLogins(USER, true);
            server.start();
            assertThatThrownBy(() -> Jdbc.connect(server, Jdbc.props(USER, PASSWORD)).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
        } finally {
            server.start();
            server.rejectLogins(USER, false);
        }
        assertThat(Jdbc.value(server, Jdbc.props(USER, PASSWORD), "SELECT current_user")).isEqualTo(USER);
    }

    @Test
    void aUserIsRequired() {
        assertThatThrownBy(() -> PG.primary().rejectLogins(null, true)).isInstanceOf(NullPointerException.class)
                .hasMessage("user");
    }
}
