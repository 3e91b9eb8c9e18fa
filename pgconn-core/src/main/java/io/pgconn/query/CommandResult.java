package io.pgconn.query;

import java.util.OptionalLong;

/**
 * The end of one execution: the command tag ({@code INSERT 0 3}, {@code SELECT 10}, {@code CREATE
 * TABLE}) and the number of rows it affected or returned, when the tag carries one.
 */
public record CommandResult(String commandTag, OptionalLong rowCount) implements Segment {

    /** Parses the count from a command tag: the last number of INSERT/UPDATE/DELETE/SELECT/MERGE/MOVE/FETCH/COPY. */
    public static CommandResult of(String tag) {
        for (CommandResult common : COMMON) {
            if (common.commandTag == tag) { // the decoder's shared tags are these literals: one result each, not one per statement
                return common;
            }
        }
        return new CommandResult(tag, countOf(tag));
    }

    /** The row count, or 0 when the tag has none (R2DBC's view of a DDL statement). */
    public long rowsAffected() {
        return rowCount.orElse(0);
    }

    /** Counts 0..15 as shared instances: the counts of almost every single-row statement's tag. */
    private static final OptionalLong[] SMALL_COUNTS = new OptionalLong[16];

    static {
        for (int i = 0; i < SMALL_COUNTS.length; i++) {
            SMALL_COUNTS[i] = OptionalLong.of(i);
        }
    }

    /** The tags the protocol decoder shares (string literals, so the same instances); see {@link #of}. */
    private static final CommandResult[] COMMON = java.util.stream.Stream.of("INSERT 0 1", "UPDATE 1", "DELETE 1", "SELECT 1",
            "SELECT 0", "UPDATE 0", "DELETE 0", "BEGIN", "COMMIT", "ROLLBACK", "SET")
            .map(tag -> new CommandResult(tag, countOf(tag))).toArray(CommandResult[]::new);

    /** Read in place (no substrings): this runs for every statement. */
    private static OptionalLong countOf(String tag) {
        int space = tag.indexOf(' ');
        if (space < 0 || !countingVerb(tag, space)) {
            return OptionalLong.empty();
        }
        int last = tag.lastIndexOf(' ');
        long count;
        try {
            count = Long.parseLong(tag, last + 1, tag.length(), 10);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        return count >= 0 && count < SMALL_COUNTS.length ? SMALL_COUNTS[(int) count] : OptionalLong.of(count);
    }

    /** Whether the tag's first word (up to {@code space}) is INSERT/UPDATE/DELETE/SELECT/MERGE/MOVE/FETCH/COPY. */
    private static boolean countingVerb(String tag, int space) {
        return switch (space) {
            case 4 -> tag.startsWith("MOVE") || tag.startsWith("COPY");
            case 5 -> tag.startsWith("MERGE") || tag.startsWith("FETCH");
            case 6 -> tag.startsWith("INSERT") || tag.startsWith("UPDATE") || tag.startsWith("DELETE") || tag.startsWith("SELECT");
            default -> false;
        };
    }
}
