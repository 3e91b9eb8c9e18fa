package io.pgconn.internal.query;

/**
 * Whether one statement's text may end a transaction block: its first keyword, after white space and
 * comments, is {@code COMMIT}, {@code END}, {@code ROLLBACK}, {@code ABORT} or {@code PREPARE} ({@code PREPARE
 * TRANSACTION}). Inside a transaction block nothing else ends it (a procedure's COMMIT is refused there). A
 * few texts that do not end one are counted too ({@code ROLLBACK TO SAVEPOINT}, {@code COMMIT AND CHAIN},
 * {@code PREPARE name AS}): that costs the type lookup waiting for the end one more wait, nothing else
 * (docs/codecs.md, "Types created while the application runs").
 */
final class TransactionEndText {

    private TransactionEndText() {
    }

    static boolean mayEnd(String sql) {
        return SqlScanner.firstKeywordIsOneOf(sql, "commit", "end", "rollback", "abort", "prepare");
    }
}
