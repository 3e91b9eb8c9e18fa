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
     * Rows of a script's statement dropped unread ({@link ScriptResults}: the reader of results asked
     * for the next result before reading this one, so this one's rows were read and discarded rather
     * than kept): {@code rows} dropped when its reader came. Reading the rows fails there; the update
     * count still comes with the completion.
     */
    record Dropped(long rows) implements ResultPart {

        IllegalStateException error() {
            return new IllegalStateException("the rows of this result were dropped unread (" + rows + " by the time it was read):"
                    + " the script's next result was asked for before this one was read, and a script's results come in"
                    + " order from one stream; read each result before asking for the next (concatMap, not collectList),"
                    + " or read only its update count");
        }
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
