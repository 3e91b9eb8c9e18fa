package io.pgconn.internal.query;

import java.util.Map;

/**
 * The server's {@code standard_conforming_strings} as a session's parameters say it: off only when the server says so
 * (PostgreSQL has defaulted to on since 9.1, and reports it at startup). It decides how a SQL text's literals are
 * scanned ({@link SqlShapes}) and what the statement cache's entries were parsed under ({@link StatementCache}), so it
 * is read for every statement, up to three times: a session's parameter map answers it from a flag set when the map
 * changes ({@link Known}) instead of a lookup in an immutable map of some twenty names each time (a hot spot of the
 * event loop's profile of chained primary-key selects, pgconn-benchmarks/results/2026-12-06-session24-pk.md).
 */
public final class StandardConformingStrings {

    public static final String NAME = "standard_conforming_strings";

    /** A parameter map that knows the setting without a lookup: the session's ParameterStatus values. */
    public interface Known {

        /** The setting as the map's values say it now ({@link StandardConformingStrings#of(String)} of its value). */
        boolean standardConformingStrings();
    }

    private StandardConformingStrings() {
    }

    /** The setting in {@code parameters} (any map; a {@link Known} one answers without a lookup). */
    static boolean in(Map<String, String> parameters) {
        return parameters instanceof Known known ? known.standardConformingStrings() : of(parameters.get(NAME));
    }

    /** The setting a value of the parameter says ({@code null}: not reported, so on). */
    public static boolean of(String value) {
        return !"off".equals(value);
    }
}
