package io.pgconn.internal.query;

import io.pgconn.codec.Oids;
import io.pgconn.query.SqlTokenWalker;
import io.pgconn.query.SqlTokenWalker.Kind;

import java.util.Arrays;

/**
 * The parameter types a Parse declares: those the values gave, and {@code text} for an untyped one (a {@code String},
 * a NULL without a type, an enum's label) whose first use in the text is a whole condition of a {@code WHERE},
 * {@code ON} or {@code HAVING} clause testing it for NULL — {@code $n IS [NOT] NULL} ({@code ISNULL}, {@code NOTNULL})
 * right after {@code WHERE}, {@code ON}, {@code HAVING}, {@code AND}, {@code OR}, {@code NOT}, {@code WHEN} or an
 * opening parenthesis. PostgreSQL types an unspecified parameter at its first use that coerces it and refuses one still
 * unknown there: the optional-filter idiom {@code WHERE ($1 IS NULL OR note = $1)} failed with 42P08 "could not
 * determine data type of parameter $1" for every value, null or not, where pgjdbc and r2dbc-postgresql, which send a
 * {@code String} as {@code varchar}, pass (NEW-USER-34 F1). Why so narrow (REVIEW-34b R34b-1): the server does not
 * analyse a statement in text order — a SELECT's FROM before its target list, an UPDATE's FROM and WHERE before its SET
 * — so a first use in a target list or SET list may be typed by a later one the server reads first; and {@code IS NULL}
 * binds more loosely than an operator ({@code owner = $1 IS NULL} is {@code (owner = $1) IS NULL}). A first use inside a
 * WHERE, ON or HAVING clause has no use the server analysed before it, and as a whole condition it coerces nothing: such
 * a text failed without the type. Every other untyped parameter stays unspecified, typed by the server from the
 * statement ({@code uuid_col = $1} with a String). Against an enum, uuid or json column the idiom's parameter needs a
 * cast or a codec for the type, as with those drivers (codecs.md). The text is walked only at a Parse with an untyped
 * parameter and a {@code NULL} in it.
 */
final class NullTestedParameters {

    /** The words that open a clause of conditions. */
    private static final String[] CONDITION_CLAUSES = {"WHERE", "ON", "HAVING"};
    /** The words that open any other clause: a first use there is left to the server. */
    private static final String[] OTHER_CLAUSES = {"SELECT", "FROM", "SET", "GROUP", "ORDER", "RETURNING", "VALUES", "JOIN",
            "USING", "LIMIT", "OFFSET", "WINDOW", "INTO", "UPDATE", "INSERT", "DELETE"};
    /** The words after which a whole condition starts (an opening parenthesis too). */
    private static final String[] CONDITION_STARTS = {"WHERE", "ON", "HAVING", "AND", "OR", "NOT", "WHEN"};

    private NullTestedParameters() {
    }

    /**
     * {@code typeOids} with {@code text} for each untyped parameter whose first use is a NULL-test condition (above);
     * the same array when none is. {@code standardConformingStrings}: the session's setting, where a plain literal ends.
     */
    static int[] declared(String sql, int[] typeOids, boolean standardConformingStrings) {
        if (!anyUntyped(typeOids) || !mentionsNull(sql)) {
            return typeOids;
        }
        int[] declared = null;
        boolean[] seen = new boolean[typeOids.length];
        Clauses clauses = new Clauses();
        SqlTokenWalker walker = new SqlTokenWalker(sql, standardConformingStrings);
        boolean conditionStart = false; // the token before the current one may start a whole condition
        int pending = -1; // a parameter's first use as a condition's start, just walked: its index
        int step = 0; // of the NULL test after it: 0 none yet, 1 after IS, 2 after IS NOT
        for (Kind kind = walker.next(); kind != Kind.END; kind = walker.next()) {
            clauses.track(walker, kind);
            if (pending >= 0) {
                if (step == 0 && (walker.isWord("ISNULL") || walker.isWord("NOTNULL")) || step > 0 && walker.isWord("NULL")) {
                    if (declared == null) {
                        declared = typeOids.clone();
                    }
                    declared[pending] = Oids.TEXT;
                    pending = -1;
                } else if (step == 0 && walker.isWord("IS")) {
                    step = 1;
                } else if (step == 1 && walker.isWord("NOT")) {
                    step = 2;
                } else {
                    pending = -1;
                }
            } else if (kind == Kind.PARAMETER) {
                int index = index(walker.text());
                if (index >= 0 && index < seen.length && !seen[index]) {
                    seen[index] = true;
                    if (typeOids[index] == Oids.UNSPECIFIED && conditionStart && clauses.inACondition(walker.depth())) {
                        pending = index;
                        step = 0;
                    }
                }
            }
            conditionStart = kind == Kind.OPEN || isOneOf(walker, CONDITION_STARTS);
        }
        return declared == null ? typeOids : declared;
    }

    /**
     * The clause each parenthesis level is in: the last clause word at that level, a level opened inheriting its
     * parent's (the condition {@code WHERE (a OR b)} is the WHERE's) until a clause word of its own (a subquery's).
     */
    private static final class Clauses {

        private static final int OTHER = 0, CONDITION = 1;

        private int[] clause = new int[8];

        void track(SqlTokenWalker walker, Kind kind) {
            int depth = walker.depth();
            if (kind == Kind.OPEN) {
                int inner = depth + 1;
                if (inner >= clause.length) {
                    clause = Arrays.copyOf(clause, inner * 2);
                }
                clause[inner] = clause[depth];
            } else if (kind == Kind.WORD && depth < clause.length) {
                if (isOneOf(walker, CONDITION_CLAUSES)) {
                    clause[depth] = CONDITION;
                } else if (isOneOf(walker, OTHER_CLAUSES)) {
                    clause[depth] = OTHER;
                }
            }
        }

        /** Whether level {@code depth} is inside a WHERE, ON or HAVING condition. */
        boolean inACondition(int depth) {
            return depth < clause.length && clause[depth] == CONDITION;
        }
    }

    private static boolean isOneOf(SqlTokenWalker walker, String[] words) {
        for (String word : words) {
            if (walker.isWord(word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyUntyped(int[] typeOids) {
        for (int oid : typeOids) {
            if (oid == Oids.UNSPECIFIED) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code NULL} appears anywhere (any case): a text without it needs no walk. */
    private static boolean mentionsNull(String sql) {
        for (int i = 0, end = sql.length() - 4; i <= end; i++) {
            if (sql.regionMatches(true, i, "NULL", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    /** {@code $n}'s index (n - 1); -1 when n is past an int. */
    private static int index(String placeholder) {
        try {
            return Integer.parseInt(placeholder, 1, placeholder.length(), 10) - 1;
        } catch (NumberFormatException tooLong) {
            return -1;
        }
    }
}
