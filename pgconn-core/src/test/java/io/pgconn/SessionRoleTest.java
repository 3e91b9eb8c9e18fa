package io.pgconn;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When host memory's role for a session's label may be about the session's own server (NEW-USER-24 F1): not a
 * standby for a session that says {@code in_hot_standby=off} — a primary does not turn standby under an open session
 * — but a promotion or a reloaded {@code default_transaction_read_only} the idle session has not heard yet. The one
 * rule of pgconn-r2dbc's pool validation and core's LISTEN subscriber.
 */
class SessionRoleTest {

    @Test
    void aSessionOnNoStandbyIsOnNoStandbyWhateverTheLabelsMemorySays() {
        assertThat(SessionRole.couldHaveBecome(ServerRole.PRIMARY, ServerRole.STANDBY)).isFalse();
        assertThat(SessionRole.couldHaveBecome(ServerRole.READ_ONLY_PRIMARY, ServerRole.STANDBY)).isFalse();
    }

    @Test
    void changesAnIdleSessionHearsOnlyWithItsNextMessageLeaveTheMemoryToDecide() {
        assertThat(SessionRole.couldHaveBecome(ServerRole.PRIMARY, ServerRole.READ_ONLY_PRIMARY))
                .as("default_transaction_read_only reloaded on (NEW-USER-12 M1)").isTrue();
        assertThat(SessionRole.couldHaveBecome(ServerRole.READ_ONLY_PRIMARY, ServerRole.PRIMARY)).isTrue();
        assertThat(SessionRole.couldHaveBecome(ServerRole.STANDBY, ServerRole.PRIMARY)).as("a promotion").isTrue();
        assertThat(SessionRole.couldHaveBecome(ServerRole.STANDBY, ServerRole.STANDBY)).isTrue();
        assertThat(SessionRole.couldHaveBecome(ServerRole.UNKNOWN, ServerRole.STANDBY)).as("before PostgreSQL 14").isTrue();
    }

    @Test
    void theLiveRoleIsWhatTheTwoParameterStatusValuesTell() {
        assertThat(SessionRole.live(Map.of("in_hot_standby", "off", "default_transaction_read_only", "off")))
                .isEqualTo(ServerRole.PRIMARY);
        assertThat(SessionRole.live(Map.of("in_hot_standby", "off", "default_transaction_read_only", "on")))
                .isEqualTo(ServerRole.READ_ONLY_PRIMARY);
        assertThat(SessionRole.live(Map.of("in_hot_standby", "on", "default_transaction_read_only", "off")))
                .isEqualTo(ServerRole.STANDBY);
        assertThat(SessionRole.live(Map.of("default_transaction_read_only", "off")))
                .as("PostgreSQL < 14 reports no in_hot_standby").isEqualTo(ServerRole.UNKNOWN);
        assertThat(SessionRole.live(Map.of())).isEqualTo(ServerRole.UNKNOWN);
    }
}
