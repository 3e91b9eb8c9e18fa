package io.pgconn.internal.session;

import java.util.Set;

/**
 * The command tags (CommandComplete) of statements that can create, drop, rename or move a type a
 * connection looks up by name ({@code extensionTypes}): types, domains, extensions, schemas (which
 * hold types, and whose {@code CREATE SCHEMA} may create types in the same statement), {@code DROP
 * OWNED}, and {@code DO} (migrations create enums idempotently in a {@code DO} block). A table's row
 * type is not watched: {@code CREATE TABLE} is too common (temporary tables) to make every connection
 * look its types up again. docs/codecs.md, "Types created while the application runs".
 */
final class TypeChangingCommands {

    private static final Set<String> TAGS = Set.of(
            "CREATE TYPE", "ALTER TYPE", "DROP TYPE",
            "CREATE DOMAIN", "ALTER DOMAIN", "DROP DOMAIN",
            "CREATE EXTENSION", "ALTER EXTENSION", "DROP EXTENSION",
            "CREATE SCHEMA", "ALTER SCHEMA", "DROP SCHEMA",
            "DROP OWNED", "DO");

    private TypeChangingCommands() {
    }

    static boolean changesTypes(String tag) {
        return TAGS.contains(tag);
    }
}
