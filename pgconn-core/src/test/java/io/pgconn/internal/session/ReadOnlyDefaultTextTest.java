package io.pgconn.internal.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReadOnlyDefaultText}: which texts may set the session's {@code default_transaction_read_only} themselves (the
 * server's report in their answer is then not taken as the server's), and which do not (REVIEW-33 R33-1).
 */
class ReadOnlyDefaultTextTest {

    @Test
    void aSetConfigNamingAnotherSettingByALiteralDoesNot() {
        for (String sql : new String[] {
                "SELECT set_config('app.tenant', $1, true)",
                "SELECT pg_catalog.set_config('lock_timeout', $1, true)",
                "select SET_CONFIG ( /* tenant */ 'app.tenant' -- the id\n , $1, false)",
                "SELECT set_config('app.tenant', $1, true), set_config('app.user', $2, true)",
                "SELECT set_config('it''s', 'x', true)",
                "SELECT 1",
                "INSERT INTO t VALUES ('read only')",
                // a column or name that is no SET SESSION CHARACTERISTICS, and a comment, which never runs (REVIEW-34 R34-8)
                "SELECT p.characteristics FROM products p WHERE p.id = $1",
                "UPDATE products SET characteristics = $1 WHERE id = $2",
                "SELECT session_id, characteristics FROM sessions",
                "/* reads characteristics */ SELECT 1"}) {
            assertThat(ReadOnlyDefaultText.maySet(sql)).as(sql).isFalse();
        }
    }

    @Test
    void whatMaySetItDoes() {
        for (String sql : new String[] {
                "SET default_transaction_read_only = on",
                "SET LOCAL Default_Transaction_Read_Only TO off",
                "RESET default_transaction_read_only",
                "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                "set session /* default */ characteristics as transaction read write",
                "DO $$BEGIN EXECUTE 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY'; END$$",
                "DO $$BEGIN EXECUTE format('SET SESSION %s', 'Characteristics AS TRANSACTION READ ONLY'); END$$",
                "SELECT 'SET SESSION ' || 'characteristics'",
                "SELECT set_config('default_transaction_read_only', 'on', false)",
                "SELECT set_config('DEFAULT_TRANSACTION_READ_ONLY', 'on', false)",
                "SELECT set_config($1, $2, false)",
                "SELECT set_config(E'app.tenant', $1, true)",
                "SELECT set_config('app.' || $1, $2, true)",
                "SELECT set_config('app.tenant'::text, $1, true)",
                "SELECT set_config('app\\tenant', $1, true)",
                "SELECT \"set_config\"($1, 'on', false)",
                "SELECT set_config('app.tenant', $1, true), set_config(name, 'on', false) FROM settings",
                "SELECT set_config('app.tenant', $1, true) /* set_config($2, ...) */",
                "SELECT my_set_config('x', 1)",
                "SELECT 'a' AS set_configured", // a mention that is no call: counted, as any unread one
                "SELECT set_config"}) {
            assertThat(ReadOnlyDefaultText.maySet(sql)).as(sql).isTrue();
        }
        assertThat(ReadOnlyDefaultText.maySet(null)).as("a script: text not known").isTrue();
    }
}
