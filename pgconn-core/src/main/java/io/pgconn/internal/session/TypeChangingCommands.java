package io.pgconn.internal.session;

import io.pgconn.internal.query.SqlScanner;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a completed statement (its CommandComplete tag, and its text where the tag alone says too little) may
 * have changed of the types a connection looks up by name ({@code extensionTypes}). docs/codecs.md, "Types
 * created while the application runs".
 *
 * <ul>
 * <li>{@link Change#TYPES}: statements that can create, drop, rename or move a type: types, domains,
 * extensions, schemas (which hold types, and whose {@code CREATE SCHEMA} may create types in the same
 * statement), {@code DROP OWNED}, and {@code DO} (migrations create enums idempotently in a {@code DO} block).
 * Every connection of the factory looks up again.</li>
 * <li>{@link Change#ROW_TYPES}: tables, views, materialized views and foreign tables created, altered or
 * dropped — each has a row type of its name. Only when the statement's text names one of the looked-up
 * types (a temporary table per request must not make every connection ask again).</li>
 * </ul>
 *
 * <p>A {@code SET}, {@code RESET} or {@code DISCARD ALL} may change the search path, through which a type name may
 * resolve to another schema's type: only this session looks up again. On a server that does not report
 * {@code search_path} (before PostgreSQL 18; from 18 its ParameterStatus says so, wherever it changed)
 * {@link ServerReports} reads those tags, for the statement cache and the type OIDs alike, when the text can be about
 * it ({@link #maySetSearchPath}).
 */
final class TypeChangingCommands {

    enum Change {
        TYPES, ROW_TYPES
    }

    private static final Map<String, Change> TAGS = Map.ofEntries(
            Map.entry("CREATE TYPE", Change.TYPES), Map.entry("ALTER TYPE", Change.TYPES), Map.entry("DROP TYPE", Change.TYPES),
            Map.entry("CREATE DOMAIN", Change.TYPES), Map.entry("ALTER DOMAIN", Change.TYPES), Map.entry("DROP DOMAIN", Change.TYPES),
            Map.entry("CREATE EXTENSION", Change.TYPES), Map.entry("ALTER EXTENSION", Change.TYPES),
            Map.entry("DROP EXTENSION", Change.TYPES),
            Map.entry("CREATE SCHEMA", Change.TYPES), Map.entry("ALTER SCHEMA", Change.TYPES), Map.entry("DROP SCHEMA", Change.TYPES),
            Map.entry("DROP OWNED", Change.TYPES), Map.entry("DO", Change.TYPES),
            Map.entry("CREATE TABLE", Change.ROW_TYPES), Map.entry("ALTER TABLE", Change.ROW_TYPES),
            Map.entry("DROP TABLE", Change.ROW_TYPES),
            Map.entry("CREATE VIEW", Change.ROW_TYPES), Map.entry("ALTER VIEW", Change.ROW_TYPES), Map.entry("DROP VIEW", Change.ROW_TYPES),
            Map.entry("CREATE MATERIALIZED VIEW", Change.ROW_TYPES), Map.entry("ALTER MATERIALIZED VIEW", Change.ROW_TYPES),
            Map.entry("DROP MATERIALIZED VIEW", Change.ROW_TYPES),
            Map.entry("CREATE FOREIGN TABLE", Change.ROW_TYPES), Map.entry("ALTER FOREIGN TABLE", Change.ROW_TYPES),
            Map.entry("DROP FOREIGN TABLE", Change.ROW_TYPES));

    private TypeChangingCommands() {
    }

    /**
     * What a statement completing with {@code tag} may have changed, or null: nothing. A tag with a row count (SELECT,
     * INSERT, UPDATE, DELETE, MERGE, FETCH, MOVE, COPY: most statements) ends in a digit and none of {@link #TAGS} does,
     * so those are answered without the map lookup.
     */
    static Change of(String tag) {
        char last = tag.isEmpty() ? ' ' : tag.charAt(tag.length() - 1);
        if (last >= '0' && last <= '9') {
            return null;
        }
        return TAGS.get(tag);
    }

    /** The tags that change something (tests: none ends in a digit, so {@link #of} may skip those). */
    static Set<String> tags() {
        return TAGS.keySet();
    }

    /** Whether {@code text} (null: not known) names one of {@code typeNames} (unqualified or qualified) as an identifier. */
    static boolean names(String text, String[] typeNames) {
        if (text == null) {
            return true;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String name : typeNames) {
            if (!name.endsWith("[]") && SqlScanner.containsWord(lower, unqualified(name).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a SET/RESET/DISCARD ALL's {@code text} (null: not known) may change the search path. */
    static boolean maySetSearchPath(String text) {
        if (text == null) {
            return true;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains("search_path") || SqlScanner.containsWord(lower, "schema") || SqlScanner.containsWord(lower, "all");
    }

    private static String unqualified(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
