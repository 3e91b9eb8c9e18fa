package io.pgconn.r2dbc;

import io.pgconn.ServerRole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When host memory's role for a session's label may be about the session's own server (NEW-USER-24 F1): not a
 * standby for a session that says {@code in_hot_standby=off} — a primary does not turn standby under an open session
 * — but a promotion or a reloaded {@code default_transaction_read_only} the idle session has not heard yet.
 */
class SessionValidityLiveRoleTest {

    @Test
    void aSessionOnNoStandbyIsOnNoStandbyWhateverTheLabelsMemorySays() {
        assertThat(SessionValidity.couldHaveBecome(ServerRole.PRIMARY, ServerRole.STANDBY)).isFalse();
        assertThat(SessionValidity.couldHaveBecome(ServerRole.READ_ONLY_PRIMARY, ServerRole.STANDBY)).isFalse();
    }

    @Test
    void changesAnIdleSessionHearsOnlyWithItsNextMessageLeaveTheMemoryToDecide() {
        assertThat(SessionValidity.couldHaveBecome(ServerRole.PRIMARY, ServerRole.READ_ONLY_PRIMARY))
                .as("default_transaction_read_only reloaded on (NEW-USER-12 M1)").isTrue();
        assertThat(SessionValidity.couldHaveBecome(ServerRole.READ_ONLY_PRIMARY, ServerRole.PRIMARY)).isTrue();
        assertThat(SessionValidity.couldHaveBecome(ServerRole.STANDBY, ServerRole.PRIMARY)).as("a promotion").isTrue();
        assertThat(SessionValidity.couldHaveBecome(ServerRole.STANDBY, ServerRole.STANDBY)).isTrue();
        assertThat(SessionValidity.couldHaveBecome(ServerRole.UNKNOWN, ServerRole.STANDBY)).as("before PostgreSQL 14").isTrue();
    }
}
