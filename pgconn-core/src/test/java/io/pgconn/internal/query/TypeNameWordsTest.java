package io.pgconn.internal.query;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TypeNameWordsTest {

    /** A looked-up name counts as a word of the text, without schema, quotes and {@code []}, and as its array's {@code _name}. */
    @Test
    void aTypeIsNamedByItsBareNameOrItsArrayTypesNameAsAWord() {
        TypeNameWords words = TypeNameWords.of(List.of("app.mood", "mood[]"));

        assertThat(words.namedIn("SELECT 'ok'::App.Mood::text")).isTrue();
        assertThat(words.namedIn("SELECT $1::\"Mood\"[]")).isTrue();
        assertThat(words.namedIn("SELECT '{a}'::_mood::text")).isTrue();
        assertThat(words.namedIn("SELECT 1 -- mood")).as("anywhere, a comment too").isTrue();
        assertThat(words.namedIn("SELECT 'x'::moods, 'y'::bad_mood, 'z'::mood_ring, 'w'::mood$1")).isFalse();
        assertThat(TypeNameWords.of(List.of()).namedIn("SELECT 'ok'::mood")).isFalse();
    }

    /**
     * A dropped type's OID may come with a binding key in place of its name (BoundTypeOids keeps one name per OID: an
     * enum's array under "mood[]" and its enum array key, a listed domain under "posint" and its domain key): the key's
     * name still counts, so a statement naming the type only in its text ({@code $1::posint}: the server describes its
     * column as int4) is dropped too.
     */
    @Test
    void aBindingKeyCountsAsTheNameItCarries() {
        assertThat(TypeNameWords.of(List.of("domain#23#posint")).namedIn("SELECT $1::posint")).isTrue();
        assertThat(TypeNameWords.of(List.of("enum[]#16389#mood")).namedIn("SELECT '{ok}'::mood[]")).isTrue();
        assertThat(TypeNameWords.of(List.of("domain#23#posint")).namedIn("SELECT $1::int4")).isFalse();
        // REVIEW-32 R32-5: a delimiter key carries the name after its last '#', its delimiter as a number before it
        assertThat(TypeNameWords.of(List.of(io.pgconn.codec.CodecRegistry.delimiterKey("dbox", ';'))).namedIn("SELECT $1::dbox[]")).isTrue();
        assertThat(TypeNameWords.of(List.of(io.pgconn.codec.CodecRegistry.delimiterKey("geo", '#'))).namedIn("SELECT $1::geo")).isTrue();
    }
}
