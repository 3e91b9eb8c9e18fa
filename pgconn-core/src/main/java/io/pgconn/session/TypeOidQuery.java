package io.pgconn.session;

import io.pgconn.PgConfigException;
import io.pgconn.QueryResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One query resolving type names to OIDs with {@code to_regtype} (lifecycle spec §1.5): missing
 * types come back NULL and are left out. Names are validated, then still passed as literals.
 */
public final class TypeOidQuery {

    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    private TypeOidQuery() {
    }

    public static String sql(String... typeNames) {
        if (typeNames.length == 0) {
            throw new PgConfigException(null, "no type names to look up");
        }
        for (String name : typeNames) {
            if (name == null || name.length() > 127 || !TYPE_NAME.matcher(name).matches()) {
                throw new PgConfigException(null, "invalid type name \"" + name + "\" (expected an identifier, optionally schema-qualified)");
            }
        }
        String array = List.of(typeNames).stream().map(Identifiers::literal).collect(Collectors.joining(","));
        return "SELECT t.name, pg_catalog.to_regtype(t.name)::pg_catalog.oid FROM pg_catalog.unnest(ARRAY[" + array
                + "]::pg_catalog.text[]) AS t(name)";
    }

    public static Map<String, Integer> parse(QueryResult result) {
        Map<String, Integer> oids = new LinkedHashMap<>();
        for (List<String> row : result.rows()) {
            if (row.get(1) != null) {
                oids.put(row.get(0), Integer.parseUnsignedInt(row.get(1)));
            }
        }
        return oids;
    }
}
