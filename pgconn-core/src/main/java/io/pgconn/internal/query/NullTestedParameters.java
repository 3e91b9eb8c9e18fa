package io.pgconn.internal.query;

import io.pgconn.codec.Oids;
import io.pgconn.query.SqlTokenWalker;
import io.pgconn.query.SqlTokenWalker.Kind;

/**
 * The parameter types a Parse declares: those the values gave, and {@code text} for an untyped one (a {@code String},
 * a NULL without a type, an enum's label) whose first use in the text is the operand of {@code IS [NOT] NULL} (or
 * {@code ISNULL}/{@code NOTNULL}). PostgreSQL types an unspecified parameter at its first use that coerces it and
 * refuses one still unknown there: the optional-filter idiom {@code ($1 IS NULL OR note = $1)} failed with 42P08
 * "could not determine data type of parameter $1" for every value, null or not, where pgjdbc and r2dbc-postgresql,
 * which send a {@code String} as {@code varchar}, pass (NEW-USER-34 F1). Such a text fails on the server without the
 * type, so declaring it changes nothing that worked; every other untyped parameter stays unspecified, typed by the
 * server from the statement ({@code uuid_col = $1} with a String). Against an enum, uuid or json column the parameter
 * then needs a cast or a codec for the type, as with those drivers (codecs.md). Walked only at a Parse with an
 * untyped parameter.
 */
final class NullTestedParameters {

    private NullTestedParameters() {
    }

    /**
     * {@code typeOids} with {@code text} for each untyped parameter first used in a NULL test; the same array when none
     * is. {@code standardConformingStrings}: the session's setting, where a plain literal ends.
     */
    static int[] declared(String sql, int[] typeOids, boolean standardConformingStrings) {
        if (!anyUntyped(typeOids)) {
            return typeOids;
        }
        int[] declared = null;
        boolean[] seen = new boolean[typeOids.length];
        SqlTokenWalker walker = new SqlTokenWalker(sql, standardConformingStrings);
        int pending = -1; // a parameter's first use, just walked: its index
        int step = 0; // of the NULL test after it: 0 none yet, 1 after IS, 2 after IS NOT
        for (Kind kind = walker.next(); kind != Kind.END; kind = walker.next()) {
            if (pending >= 0) {
                if (step == 0 && (walker.isWord("ISNULL") || walker.isWord("NOTNULL"))
                        || step > 0 && walker.isWord("NULL")) {
                    if (declared == null) {
                        declared = typeOids.clone();
                    }
                    declared[pending] = Oids.TEXT;
                    pending = -1;
                    continue;
                }
                if (step == 0 && walker.isWord("IS")) {
                    step = 1;
                    continue;
                }
                if (step == 1 && walker.isWord("NOT")) {
                    step = 2;
                    continue;
                }
                pending = -1;
            }
            if (kind == Kind.PARAMETER) {
                int index = index(walker.text());
                if (index >= 0 && index < seen.length && !seen[index]) {
                    seen[index] = true;
                    if (typeOids[index] == Oids.UNSPECIFIED) {
                        pending = index;
                        step = 0;
                    }
                }
            }
        }
        return declared == null ? typeOids : declared;
    }

    private static boolean anyUntyped(int[] typeOids) {
        for (int oid : typeOids) {
            if (oid == Oids.UNSPECIFIED) {
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
