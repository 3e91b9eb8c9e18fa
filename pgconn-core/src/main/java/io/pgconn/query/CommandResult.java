package io.pgconn.query;

import java.util.OptionalLong;

/**
 * The end of one execution: the command tag ({@code INSERT 0 3}, {@code SELECT 10}, {@code CREATE
 * TABLE}) and the number of rows it affected or returned, when the tag carries one.
 */
public record CommandResult(String commandTag, OptionalLong rowCount) implements Segment {

    /** Parses the count from a command tag: the last number of INSERT/UPDATE/DELETE/SELECT/MERGE/MOVE/FETCH/COPY. */
    public static CommandResult of(String tag) {
        return new CommandResult(tag, countOf(tag));
    }

    /** The row count, or 0 when the tag has none (R2DBC's view of a DDL statement). */
    public long rowsAffected() {
        return rowCount.orElse(0);
    }

    private static OptionalLong countOf(String tag) {
        int space = tag.indexOf(' ');
        if (space < 0) {
            return OptionalLong.empty();
        }
        String verb = tag.substring(0, space);
        switch (verb) {
            case "INSERT", "UPDATE", "DELETE", "SELECT", "MERGE", "MOVE", "FETCH", "COPY" -> {
                int last = tag.lastIndexOf(' ');
                try {
                    return OptionalLong.of(Long.parseLong(tag.substring(last + 1)));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
            default -> {
                return OptionalLong.empty();
            }
        }
    }
}
