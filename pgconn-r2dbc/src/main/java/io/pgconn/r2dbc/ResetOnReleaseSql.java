package io.pgconn.r2dbc;

import java.util.Locale;

/**
 * What a pool's connections run on release ({@link PgConnPools.Builder#resetOnRelease}, the R2DBC option
 * {@link PgConnR2dbcOptions#RESET_ON_RELEASE}) as the SQL to send: the names {@code DISCARD_ALL} and {@code RESET_ALL}
 * (any case) stand for {@link PgConnPools#DISCARD_ALL} and {@link PgConnPools#RESET_ALL} — the spelling a URL's query
 * string and a property file take without quoting a space — and any other text is SQL of the application's own.
 */
final class ResetOnReleaseSql {

    private ResetOnReleaseSql() {
    }

    /** The SQL {@code value} names or is; null for null or blank: no reset. */
    static String of(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        return switch (text.toUpperCase(Locale.ROOT)) {
            case "DISCARD_ALL" -> PgConnPools.DISCARD_ALL;
            case "RESET_ALL" -> PgConnPools.RESET_ALL;
            default -> text;
        };
    }

    /**
     * {@link #of} for the setting {@code option} (the R2DBC option, the builder): a value of one word that names neither reset is refused with an
     * {@link IllegalArgumentException} naming the option, the value and the forms expected — sent as SQL, a misspelt
     * {@code DISCARD_AL} would fail every release, and every release would close its session. No SQL statement that
     * resets a session is one word.
     */
    static String ofOption(String option, Object value) {
        String sql = value == null ? null : of(value.toString());
        if (sql != null && sql.chars().noneMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid " + option + " \"" + sql + "\": expected DISCARD_ALL, RESET_ALL"
                    + " or SQL of your own such as RESET app.tenant");
        }
        return sql;
    }
}
