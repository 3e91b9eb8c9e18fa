package io.pgconn.r2dbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which statements are settings for the abandoned-lease watch ({@link PgConnR2dbcStatement#isSetting}): Spring's
 * {@code SET TRANSACTION READ ONLY} inside its begin is; anything else is the borrower's own work, which ends the watch.
 */
class StatementSettingTest {

    @Test
    void aSetIsASettingAnythingElseIsWork() {
        assertThat(PgConnR2dbcStatement.isSetting("SET TRANSACTION READ ONLY")).isTrue();
        assertThat(PgConnR2dbcStatement.isSetting("  set\tlock_timeout = 1000")).isTrue();
        assertThat(PgConnR2dbcStatement.isSetting("SET")).isTrue();
        assertThat(PgConnR2dbcStatement.isSetting("SETTINGS")).isFalse();
        assertThat(PgConnR2dbcStatement.isSetting("SELECT set_config('a', 'b', true)")).isFalse();
        assertThat(PgConnR2dbcStatement.isSetting("INSERT INTO t VALUES (1)")).isFalse();
        assertThat(PgConnR2dbcStatement.isSetting("/* c */ SET x = 1")).as("a comment first: work, the safe side").isFalse();
        assertThat(PgConnR2dbcStatement.isSetting("")).isFalse();
    }
}
