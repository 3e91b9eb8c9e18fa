package io.pgconn.internal.session;

import io.pgconn.PgConfigException;
import io.pgconn.QueryResult;
import io.pgconn.codec.CodecRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One query resolving type names to OIDs with {@code to_regtype} (docs/lifecycle.md §1.5): missing
 * types come back NULL and are left out. Names are validated, then still passed as literals.
 *
 * <p>One row with a column per name and no {@code FROM}: on the brand-new backend of a connect this
 * is the first statement, and every catalog lookup it needs is a cold one; against
 * {@code unnest(ARRAY[...])} it saves about a fifth of the query's time (pgbench -C, PG 18).
 */
public final class TypeOidQuery {

    /** An identifier, optionally schema-qualified, optionally {@code []} for its array type. */
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?(\\[])?");

    private TypeOidQuery() {
    }

    /**
     * The names and, after each, its array type's name ({@code mood}, {@code mood[]}): what the connect
     * path looks up, so that arrays of a named type have a codec too ({@code to_regtype('mood[]')} is
     * the element type's {@code pg_type.typarray}; NULL where there is none).
     */
    public static String[] withArrayTypes(String... typeNames) {
        String[] all = new String[typeNames.length * 2];
        for (int i = 0; i < typeNames.length; i++) {
            all[2 * i] = typeNames[i];
            all[2 * i + 1] = typeNames[i] == null || typeNames[i].endsWith("[]") ? typeNames[i] : typeNames[i] + "[]";
        }
        return all;
    }

    /**
     * The last list asked for and its SQL: every connect of a configuration asks for the same names, so the
     * validation and the text are made once, not per connect (a new factory per connect too).
     */
    private static volatile Built last;

    private record Built(String[] names, String sql) {
    }

    public static String sql(String... typeNames) {
        Built built = last;
        if (built != null && java.util.Arrays.equals(built.names(), typeNames)) {
            return built.sql();
        }
        String sql = build(typeNames);
        last = new Built(typeNames.clone(), sql);
        return sql;
    }

    private static String build(String... typeNames) {
        if (typeNames.length == 0) {
            throw new PgConfigException(null, "no type names to look up");
        }
        for (String name : typeNames) {
            if (name == null || name.length() > 127 || !TYPE_NAME.matcher(name).matches()) {
                throw new PgConfigException(null, "invalid type name \"" + name + "\" (expected an identifier, optionally schema-qualified)");
            }
        }
        return Stream.of(typeNames).map(name -> "pg_catalog.to_regtype(" + Identifiers.literal(name) + ")::pg_catalog.oid")
                .collect(Collectors.joining(", ", "SELECT ", ""));
    }

    /**
     * The column the session's lookup ({@link #sessionSql}) adds: the array type of every enum in the database with the
     * enum's name, as {@code oid:hex,...} (NULL when there is none): the name so that its arrays show {@code mood[]}
     * (REVIEW-29 R29-14), as the hex of its UTF-8 bytes, which no separator can occur in and which reads the same
     * whatever the server's encoding (a length in characters did not: on a {@code SQL_ASCII} database {@code length}
     * counts bytes, REVIEW-30 R30-2). On a {@code SQL_ASCII} database the name's own bytes are sent, unconverted: a
     * conversion to UTF-8 there validates them and fails the whole lookup on a byte that is no UTF-8 (a Latin-1
     * {@code é}), and {@code text::bytea} parses backslashes; such a name then leaves its array unnamed. Enums are database-wide (their OIDs do not depend on the search path), and
     * {@code pg_enum} and {@code pg_type} are readable by every user. Found through {@code pg_enum} (its enums' OIDs,
     * then {@code pg_type} by its OID index), not by {@code pg_type.typtype}, which has no index: every table adds two
     * {@code pg_type} rows, and that scan took 21 ms at 20,000 tables against 0.25 ms this way (REVIEW-29 R29-8,
     * PostgreSQL 18).
     */
    private static final String ENUM_ARRAYS = "(SELECT pg_catalog.string_agg(pg_catalog.concat(t.typarray, ':',"
            + " pg_catalog.encode(CASE WHEN pg_catalog.getdatabaseencoding() OPERATOR(pg_catalog.=) 'SQL_ASCII'"
            + " THEN pg_catalog.convert_to(t.typname::pg_catalog.text, 'SQL_ASCII')"
            + " ELSE pg_catalog.convert_to(t.typname::pg_catalog.text, 'UTF8') END, 'hex')), ',') FROM"
            + " pg_catalog.pg_type t WHERE t.oid OPERATOR(pg_catalog.=) ANY (SELECT e.enumtypid FROM pg_catalog.pg_enum e)"
            + " AND t.typarray OPERATOR(pg_catalog.<>) 0)";

    /**
     * The lookup a session makes for its codecs (at connect, and again after type DDL): {@link #sql} and, as one more
     * column, the array types of the database's enums, so that an enum array reads as {@code String[]} without a codec
     * for the enum (no round trip of its own: the names are looked up in the same query).
     */
    public static String sessionSql(String... typeNames) {
        Built built = lastSession;
        if (built != null && java.util.Arrays.equals(built.names(), typeNames)) {
            return built.sql();
        }
        String sql = sql(typeNames) + ", " + ENUM_ARRAYS + ", " + kindsColumn(typeNames);
        lastSession = new Built(typeNames.clone(), sql);
        return sql;
    }

    /**
     * The column after {@link #ENUM_ARRAYS} (its own): which of the looked-up names (those without {@code []}) are domains and
     * composites, and which have an array delimiter other than {@code ,}, as {@code oid:typtype:typbasetype:typdelim,...}
     * (NULL when none), so that a listed domain's arrays read through its base type's codec and a listed composite's as
     * {@code String[]} of its rows' text, each split at the type's delimiter ({@link #kinds(String, Map)}). The delimiter
     * as its number ({@code "char"} to {@code int4}: no separator can occur in it, and no encoding matters): a domain
     * takes its base type's, {@code ;} over {@code box}, and a type created with {@code DELIMITER} (PostGIS' {@code :})
     * has its own; a text array split at {@code ,} read two boxes as seven strings (REVIEW-32 R32-5). By OID, through
     * {@code pg_type}'s OID index: a scan of {@code pg_type} for every domain and composite of the database took 30 and
     * 200 ms at 18,000 tables (PostgreSQL 18), which is why only listed names are asked about.
     */
    private static String kindsColumn(String... typeNames) {
        return Stream.of(typeNames).filter(name -> !name.endsWith("[]"))
                .map(name -> "pg_catalog.to_regtype(" + Identifiers.literal(name) + ")")
                .collect(Collectors.joining(", ", "(SELECT pg_catalog.string_agg(pg_catalog.concat(t.oid, ':', t.typtype, ':',"
                        + " t.typbasetype, ':', t.typdelim::pg_catalog.int4), ',') FROM pg_catalog.pg_type t"
                        + " WHERE t.oid OPERATOR(pg_catalog.=) ANY (ARRAY[",
                        "]::pg_catalog.oid[]) AND (t.typtype OPERATOR(pg_catalog.=) ANY ('{c,d}'::pg_catalog.\"char\"[])"
                        + " OR t.typdelim OPERATOR(pg_catalog.<>) ','::pg_catalog.\"char\"))"));
    }

    /** The last {@link #sessionSql} made, as {@link #last}. */
    private static volatile Built lastSession;

    /**
     * The answer to {@link #sessionSql} for the same names: {@link #parse}'s entries, and each enum array type's OID under
     * {@code CodecRegistry.enumArrayKey(oid, enumName)}.
     */
    public static Map<String, Integer> parseSession(QueryResult result, String... typeNames) {
        List<List<String>> rows = result.rows();
        if (rows.size() != 1 || rows.get(0).size() != typeNames.length + 2) {
            throw new IllegalStateException("type OID query: expected 1 row of " + (typeNames.length + 2) + " columns, got "
                    + rows.size() + " rows" + (rows.isEmpty() ? "" : " of " + rows.get(0).size() + " columns"));
        }
        Map<String, Integer> oids = names(rows.get(0), typeNames);
        String kinds = rows.get(0).get(typeNames.length + 1);
        if (kinds != null) {
            kinds(kinds, oids);
        }
        String enumArrays = rows.get(0).get(typeNames.length);
        if (enumArrays != null) {
            enumArrays(enumArrays, oids);
        }
        return oids;
    }

    /**
     * {@link #kindsColumn}'s column into {@code oids}: each listed name that is a domain under
     * {@code CodecRegistry.domainKey(name, baseOid)}, each composite under {@code CodecRegistry.compositeKey(name)}, and
     * each whose array delimiter is not {@code ,} under {@code CodecRegistry.delimiterKey(name, delimiter)}, with the
     * type's OID as value. An entry that is not of the column's form binds nothing.
     */
    static void kinds(String column, Map<String, Integer> oids) {
        Map<Integer, String> names = new java.util.HashMap<>();
        oids.forEach((name, oid) -> {
            if (!name.endsWith("[]")) {
                names.putIfAbsent(oid, name);
            }
        });
        for (String entry : column.split(",")) {
            String[] parts = entry.split(":");
            if (parts.length != 4 || parts[1].length() != 1) {
                continue;
            }
            Integer oid = oidOrNull(parts[0]);
            Integer baseOid = oidOrNull(parts[2]);
            Character delimiter = delimiterOrNull(parts[3]);
            String name = oid == null ? null : names.get(oid);
            if (name == null || baseOid == null || delimiter == null) {
                continue;
            }
            switch (parts[1].charAt(0)) {
                case 'd' -> oids.put(CodecRegistry.domainKey(name, baseOid), oid);
                case 'c' -> oids.put(CodecRegistry.compositeKey(name), oid);
                default -> { }
            }
            if (delimiter != ',') {
                oids.put(CodecRegistry.delimiterKey(name, delimiter), oid);
            }
        }
    }

    /**
     * The delimiter of a kinds entry, {@code typdelim} as {@code int4} ({@code "char"} is signed: a byte above 127 is
     * negative), as the byte it is; null when {@code text} is no such number.
     */
    private static Character delimiterOrNull(String text) {
        try {
            int code = Integer.parseInt(text);
            return code < Byte.MIN_VALUE || code > 0xFF || code == 0 ? null : (char) (code & 0xFF);
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /**
     * {@link #ENUM_ARRAYS}' column, {@code oid:hex,...}, into {@code oids} as {@code CodecRegistry.enumArrayKey(oid, name)}.
     * The name only names the type in messages and metadata: one that does not decode leaves the array unnamed
     * ({@code enum[]}), and never fails the lookup its codecs hang on.
     */
    static void enumArrays(String column, Map<String, Integer> oids) {
        for (String entry : column.split(",")) {
            int colon = entry.indexOf(':');
            Integer arrayOid = oidOrNull(colon < 0 ? entry : entry.substring(0, colon));
            if (arrayOid == null) {
                continue; // not from a server (an empty column, a proxy's mangling): the entry binds nothing
            }
            String name = colon < 0 ? null : utf8Hex(entry.substring(colon + 1));
            oids.put(name == null || name.isEmpty() ? CodecRegistry.enumArrayKey(arrayOid) : CodecRegistry.enumArrayKey(arrayOid, name),
                    arrayOid);
        }
    }

    /**
     * An OID of the enum-array and kinds columns, or null when {@code text} is none: these columns only add names and
     * kinds to the lookup's OIDs and never fail it (REVIEW-31 R31-11: an empty or malformed entry threw a
     * NumberFormatException that named no host out of the session's type lookup).
     */
    private static Integer oidOrNull(String text) {
        try {
            return Integer.parseUnsignedInt(text);
        } catch (NumberFormatException notAnOid) {
            return null;
        }
    }

    /** The text whose UTF-8 bytes {@code hex} spells, or null when it spells none. */
    private static String utf8Hex(String hex) {
        if (hex.length() % 2 != 0) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = java.util.HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** The answer to {@link #sql(String...)} for the same names: column {@code i} is {@code typeNames[i]}. */
    public static Map<String, Integer> parse(QueryResult result, String... typeNames) {
        List<List<String>> rows = result.rows();
        if (rows.size() != 1 || rows.get(0).size() != typeNames.length) {
            throw new IllegalStateException("type OID query: expected 1 row of " + typeNames.length + " columns, got "
                    + rows.size() + " rows" + (rows.isEmpty() ? "" : " of " + rows.get(0).size() + " columns"));
        }
        return names(rows.get(0), typeNames);
    }

    /** Column {@code i} of {@code row} as {@code typeNames[i]}'s OID; NULL (not found) left out. */
    private static Map<String, Integer> names(List<String> row, String[] typeNames) {
        Map<String, Integer> oids = new LinkedHashMap<>();
        for (int i = 0; i < typeNames.length; i++) {
            String oid = row.get(i);
            if (oid != null) {
                oids.put(typeNames[i], Integer.parseUnsignedInt(oid));
            }
        }
        return oids;
    }
}
