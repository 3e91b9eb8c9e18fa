package io.pgconn.internal.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The names of looked-up types as a statement's text may name them, and whether a text does: each name without schema,
 * quotes and {@code []}, in lower case, and its array type's own name ({@code _mood}: {@code '{a}'::_mood}), matched as
 * words ({@link SqlScanner#containsWord}), so a type named {@code mood} matches {@code 'ok'::mood} and {@code "Mood"[]}
 * but not {@code moods} nor {@code bad_mood}. What {@link StatementCache#dropUsing} asks of an entry's text when its
 * types do not tell.
 */
final class TypeNameWords {

    private final List<String> words;

    private TypeNameWords(List<String> words) {
        this.words = words;
    }

    /** @param lookedUp the names the types were looked up by ({@code mood}, {@code app.mood}, {@code mood[]}) */
    static TypeNameWords of(Collection<String> lookedUp) {
        List<String> words = new ArrayList<>(2 * lookedUp.size());
        for (String name : lookedUp) {
            words.add(bareName(name));
            words.add("_" + bareName(name)); // its array type's own name: '{a}'::_mood
        }
        return new TypeNameWords(words);
    }

    /** Whether {@code sql} names one of the types as a word (anywhere: in a literal or a comment too). */
    boolean namedIn(String sql) {
        String text = sql.toLowerCase(Locale.ROOT);
        for (String word : words) {
            if (SqlScanner.containsWord(text, word)) { // as a word: a type named mood leaves '::moods' prepared
                return true;
            }
        }
        return false;
    }

    /**
     * A looked-up name as a statement's text may name it: without schema, quotes and {@code []}, in lower case. A binding
     * key that carries a name ({@code CodecRegistry.enumArrayKey(oid, "mood")}, {@code domainKey("posint", 23)}: the
     * same OID as the name's own entry, which it may stand in for) counts as that name, after its last {@code #} (an
     * identifier has none).
     */
    private static String bareName(String key) {
        String name = key.substring(key.lastIndexOf('#') + 1);
        String bare = name.endsWith("[]") ? name.substring(0, name.length() - 2) : name;
        int dot = bare.lastIndexOf('.');
        if (dot >= 0) {
            bare = bare.substring(dot + 1);
        }
        return bare.replace("\"", "").toLowerCase(Locale.ROOT);
    }
}
