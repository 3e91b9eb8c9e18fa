package io.pgconn.r2dbc;

/**
 * One piece of a statement's outcome as a {@link SessionPort} delivers it, in the order the server
 * sent it: rows, then the completion that ends the statement.
 */
sealed interface ResultPart {

    /** One row. */
    record RowPart(RowData row) implements ResultPart {
    }

    /**
     * The end of one statement: its command tag ({@code INSERT 0 3}, {@code SELECT 5}, {@code BEGIN})
     * and the row count the tag carries, or -1 when it carries none.
     */
    record Completion(String commandTag, long rows) implements ResultPart {

        static Completion of(String commandTag) {
            return new Completion(commandTag, rowsOf(commandTag));
        }

        /** The last word of a tag is its row count for INSERT/UPDATE/DELETE/MERGE/SELECT/MOVE/FETCH/COPY. */
        static long rowsOf(String tag) {
            if (tag == null) {
                return -1;
            }
            int space = tag.lastIndexOf(' ');
            if (space < 0) {
                return -1;
            }
            String verb = tag.substring(0, tag.indexOf(' '));
            if (!switch (verb) {
                case "INSERT", "UPDATE", "DELETE", "MERGE", "SELECT", "MOVE", "FETCH", "COPY" -> true;
                default -> false;
            }) {
                return -1;
            }
            try {
                return Long.parseLong(tag.substring(space + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
