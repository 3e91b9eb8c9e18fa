package io.pgconn.internal.query;

import io.pgconn.query.SqlTokenWalker;
import io.pgconn.query.SqlTokenWalker.Kind;

import java.util.List;
import java.util.Locale;

/**
 * Whether a text may end a transaction block. One statement: its first keyword, after white space and
 * comments, is {@code COMMIT}, {@code END}, {@code ROLLBACK}, {@code ABORT} or {@code PREPARE} ({@code PREPARE
 * TRANSACTION}). Inside a transaction block nothing else ends it (a procedure's or DO block's COMMIT is refused
 * there). A few texts that do not end one are counted too ({@code ROLLBACK TO SAVEPOINT}, {@code COMMIT AND
 * CHAIN}, {@code PREPARE name AS}): that costs the type lookup waiting for the end one more wait, nothing else
 * (docs/codecs.md, "Types created while the application runs"). A miss would cost more: the lookup would wait
 * for a transaction end that already came, and the session would keep its stale answer.
 */
public final class TransactionEndText {

    private static final String[] ENDING = {"commit", "end", "rollback", "abort", "prepare"};

    private TransactionEndText() {
    }

    /**
     * Whether {@code sql} is a plain rollback ({@code ROLLBACK}, {@code ABORT}, with {@code WORK} or {@code TRANSACTION},
     * a {@code ;}, nothing else but blanks and comments — a {@code /* app=orders *}{@code /} tag too: REVIEW-34 R34-8):
     * one that ends whatever transaction is open and, outside one, only warns. Not {@code ROLLBACK TO SAVEPOINT},
     * {@code ROLLBACK PREPARED} or {@code ROLLBACK AND CHAIN} (which begins another), nor a text ending inside a
     * comment; null (a script) is not.
     */
    public static boolean isPlainRollback(String sql) {
        if (sql == null) {
            return false;
        }
        SqlTokenWalker walker = new SqlTokenWalker(sql, true);
        walker.next();
        if (!walker.isWord("rollback") && !walker.isWord("abort")) {
            return false;
        }
        Kind kind = walker.next();
        if (walker.isWord("work") || walker.isWord("transaction")) {
            kind = walker.next();
        }
        if (kind == Kind.SEMICOLON) {
            kind = walker.next();
        }
        return kind == Kind.END && walker.complete();
    }

    /**
     * Whether {@code sql} definitely ends an open transaction block: one of its statements (split at {@code ;} outside
     * quotes, dollar quotes and comments) starts with {@code COMMIT}, {@code END}, {@code ROLLBACK} or {@code ABORT}
     * ({@code WORK}/{@code TRANSACTION} optional; {@code AND NO CHAIN} too), or is {@code PREPARE TRANSACTION}. Not
     * {@code ROLLBACK TO SAVEPOINT}, {@code COMMIT}/{@code ROLLBACK PREPARED} (not run inside a block) nor {@code ... AND
     * CHAIN} (which opens the next one), nor a word met later in a statement ({@code CASE ... END}, a {@code 'commit'}
     * literal): REVIEW-34 R34-1, where {@link #mayEndAnywhere}'s over-count stopped a refused transaction too early.
     * Null (no text) is not.
     */
    public static boolean endsTransaction(String sql) {
        if (sql == null) {
            return false;
        }
        SqlTokenWalker walker = new SqlTokenWalker(sql, true);
        Kind kind = walker.next();
        while (kind != Kind.END) {
            if (kind == Kind.WORD && statementEnds(walker)) {
                return true;
            }
            kind = walker.kind();
            while (kind != Kind.END && kind != Kind.SEMICOLON) {
                kind = walker.next();
            }
            if (kind == Kind.SEMICOLON) {
                kind = walker.next();
            }
        }
        return false;
    }

    /** The statement whose first word {@code walker} is on: whether it ends the transaction ({@link #endsTransaction}). */
    private static boolean statementEnds(SqlTokenWalker walker) {
        if (walker.isWord("prepare")) {
            walker.next();
            return walker.isWord("transaction");
        }
        if (!walker.isWord("commit") && !walker.isWord("end") && !walker.isWord("rollback") && !walker.isWord("abort")) {
            return false;
        }
        walker.next();
        if (walker.isWord("work") || walker.isWord("transaction")) {
            walker.next();
        }
        if (walker.isWord("to") || walker.isWord("prepared")) {
            return false;
        }
        if (walker.isWord("and")) {
            walker.next();
            return walker.isWord("no");
        }
        return true;
    }

    /** Whether {@code sql}'s first keyword is {@code COMMIT} or {@code END}: a commit of the open transaction (null: no). */
    public static boolean isCommit(String sql) {
        return sql != null && SqlScanner.firstKeywordIsOneOf(sql, new String[]{"commit", "end"});
    }

    /** Whether {@code sql}'s first keyword is {@code BEGIN} or {@code START}: it opens a transaction (null: no). */
    public static boolean isBegin(String sql) {
        return sql != null && SqlScanner.firstKeywordIsOneOf(sql, new String[]{"begin", "start"});
    }

    /** One statement's text (the extended protocol's): its first keyword. */
    static boolean mayEnd(String sql) {
        return SqlScanner.firstKeywordIsOneOf(sql, ENDING);
    }

    /** A script's statements, each sent as it is: any one's first keyword. */
    static boolean mayEndAny(List<String> statements) {
        for (String statement : statements) {
            if (mayEnd(statement)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A simple query's text, which may hold several statements: one of the words anywhere in it, as a word of its
     * own or right after a {@code $} ({@link SqlScanner#containsWord(String, String, boolean)}). No statement
     * boundary is read, so none can be misread: a word in a literal, a comment or a {@code CASE ... END} counts
     * too, and costs what every simple query cost before (REVIEW-13 L2).
     */
    public static boolean mayEndAnywhere(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        for (String word : ENDING) {
            if (SqlScanner.containsWord(lower, word, true)) {
                return true;
            }
        }
        return false;
    }
}
