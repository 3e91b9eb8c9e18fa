package io.pgconn.internal.failover;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.PgConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetSessionAttrsTest {

    @ParameterizedTest(name = "{0} accepts {1} (pass 2: {2}) = {3}")
    @CsvSource({
            "any,            PRIMARY,           false, true",
            "any,            STANDBY,           false, true",
            "read-write,     PRIMARY,           false, true",
            "read-write,     READ_ONLY_PRIMARY, false, false",
            "read-write,     STANDBY,           false, false",
            "read-only,      PRIMARY,           false, false",
            "read-only,      READ_ONLY_PRIMARY, false, true",
            "read-only,      STANDBY,           false, true",
            "primary,        PRIMARY,           false, true",
            "primary,        READ_ONLY_PRIMARY, false, true",
            "primary,        STANDBY,           false, false",
            "standby,        STANDBY,           false, true",
            "standby,        PRIMARY,           false, false",
            "prefer-standby, STANDBY,           false, true",
            "prefer-standby, PRIMARY,           false, false",
            "prefer-standby, PRIMARY,           true,  true",
    })
    void libpqAcceptanceTable(String attrs, ServerRole role, boolean secondPass, boolean accepted) {
        assertThat(TargetSessionAttrs.parse(attrs).accepts(role, secondPass)).isEqualTo(accepted);
    }

    @Test
    void parsesRelaxedSpellingsAndRejectsUnknownWithAllowedValues() {
        assertThat(TargetSessionAttrs.parse("READ_WRITE")).isEqualTo(TargetSessionAttrs.READ_WRITE);
        assertThat(TargetSessionAttrs.parse("Prefer-Standby")).isEqualTo(TargetSessionAttrs.PREFER_STANDBY);
        assertThatThrownBy(() -> TargetSessionAttrs.parse("master"))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("target_session_attrs")
                .hasMessageContaining("\"master\"")
                .hasMessageContaining("prefer-standby");
    }

    @Test
    void onlyPreferStandbyMakesTwoPasses() {
        for (TargetSessionAttrs t : TargetSessionAttrs.values()) {
            assertThat(t.passes()).isEqualTo(t == TargetSessionAttrs.PREFER_STANDBY ? 2 : 1);
        }
    }

    @Test
    void roleFromParameterStatus() {
        assertThat(ServerRole.of(true, true)).isEqualTo(ServerRole.STANDBY);
        assertThat(ServerRole.of(false, true)).isEqualTo(ServerRole.READ_ONLY_PRIMARY);
        assertThat(ServerRole.of(false, false)).isEqualTo(ServerRole.PRIMARY);
        assertThat(RoleCheck.fromParameters(java.util.Map.of("in_hot_standby", "on", "default_transaction_read_only", "off")))
                .isEqualTo(ServerRole.STANDBY);
        assertThat(RoleCheck.fromParameters(java.util.Map.of("server_version", "13.1"))).isEqualTo(ServerRole.UNKNOWN);
    }
}
