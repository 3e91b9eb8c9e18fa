package io.pgconn.internal.session;

import io.pgconn.PgConfigException;

/** Quoting of SQL identifiers and literals for the few statements pgconn builds itself. */
final class Identifiers {

    private Identifiers() {
    }

    /** {@code "name"} with embedded quotes doubled; NUL and empty names refused. */
    static String quote(String name, String what) {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new PgConfigException(null, "invalid " + what + ": \"" + name + "\" (expected a non-empty name without NUL)");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code 'text'} as a standard-conforming string literal. */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }
}
