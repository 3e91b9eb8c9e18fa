package io.pgconn.r2dbc;

/**
 * Counts the {@code $n} parameter placeholders of one SQL text: the highest {@code n} found outside
 * string literals ({@code '...'}, {@code E'...'}), quoted identifiers, dollar-quoted strings and
 * comments. The count lets a {@link io.r2dbc.spi.Statement} refuse a binding to a parameter that does
 * not exist, and an execution with a parameter left unbound, before anything goes to the server.
 */
final class SqlPlaceholders {

    private SqlPlaceholders() {
    }

    /** Where one placeholder is: {@code sql.substring(start, end)} is {@code $index}. */
    record Placeholder(int start, int end, int index) {
    }

    /** The number of parameters {@code sql} refers to (its highest {@code $n}), 0 when none. */
    static int count(String sql) {
        return scan(sql, null, null); // runs per statement created: no allocation
    }

    /** Every placeholder, in text order. */
    static java.util.List<Placeholder> find(String sql) {
        java.util.List<Placeholder> found = new java.util.ArrayList<>();
        scan(sql, found, null);
        return found;
    }

    /**
     * Whether {@code sql} holds more than one statement: a {@code ;} outside literals and comments
     * with more text after it (a trailing {@code ;} alone does not count).
     */
    static boolean hasSeveralStatements(String sql) {
        return statements(sql).size() > 1;
    }

    /**
     * The statements of {@code sql}, split at each {@code ;} outside literals, identifiers and
     * comments; blank pieces are left out. The extended query protocol takes one statement at a time.
     */
    static java.util.List<String> statements(String sql) {
        java.util.List<Integer> semicolons = new java.util.ArrayList<>();
        scan(sql, null, semicolons);
        java.util.List<String> statements = new java.util.ArrayList<>();
        int from = 0;
        for (int at : semicolons) {
            addIfNotBlank(statements, sql.substring(from, at));
            from = at + 1;
        }
        addIfNotBlank(statements, sql.substring(from));
        return statements;
    }

    private static void addIfNotBlank(java.util.List<String> statements, String statement) {
        if (!statement.isBlank()) {
            statements.add(statement.strip());
        }
    }

    /** The highest placeholder number; fills {@code found} and {@code semicolons} when given. */
    private static int scan(String sql, java.util.List<Placeholder> found, java.util.List<Integer> semicolons) {
        int highest = 0;
        int i = 0;
        int length = sql.length();
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isIdentifierPart(sql.charAt(i - 2)));
                i = skipQuoted(sql, i + 1, '\'', escapes);
            } else if (c == '"') {
                i = skipQuoted(sql, i + 1, '"', false);
            } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i + 2);
            } else if (c == '$') {
                if (i + 1 < length && Character.isDigit(sql.charAt(i + 1)) && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
                    int end = i + 1;
                    while (end < length && Character.isDigit(sql.charAt(end))) {
                        end++;
                    }
                    int index = parseIndex(sql, i + 1, end);
                    highest = Math.max(highest, index);
                    if (found != null) {
                        found.add(new Placeholder(i, end, index));
                    }
                    i = end;
                } else {
                    i = skipDollarQuoted(sql, i);
                }
            } else {
                if (c == ';' && semicolons != null) {
                    semicolons.add(i);
                }
                i++;
            }
        }
        return highest;
    }

    private static int parseIndex(String sql, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + Character.digit(sql.charAt(i), 10);
            if (value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("parameter placeholder $" + sql.substring(from, to) + " is out of range: at most $65535");
            }
        }
        return (int) value;
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static int skipQuoted(String sql, int from, char quote, boolean backslashEscapes) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    /** Block comments nest in PostgreSQL. */
    private static int skipBlockComment(String sql, int from) {
        int depth = 1;
        int i = from;
        while (i < sql.length() && depth > 0) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
            } else {
                i++;
            }
        }
        return i;
    }

    /** {@code $tag$ ... $tag$} (tag may be empty); a lone {@code $} that opens no quote is skipped. */
    private static int skipDollarQuoted(String sql, int start) {
        if (start > 0 && isIdentifierPart(sql.charAt(start - 1))) {
            return start + 1;
        }
        int tagEnd = start + 1;
        while (tagEnd < sql.length() && (Character.isLetterOrDigit(sql.charAt(tagEnd)) || sql.charAt(tagEnd) == '_')) {
            tagEnd++;
        }
        if (tagEnd >= sql.length() || sql.charAt(tagEnd) != '$') {
            return start + 1;
        }
        String tag = sql.substring(start, tagEnd + 1);
        int close = sql.indexOf(tag, tagEnd + 1);
        return close < 0 ? sql.length() : close + tag.length();
    }
}
