package io.pgconn.codec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The codecs of each type OID: built-in OIDs in the array, the others (extension types, OIDs past 2³¹) in the map. */
class CodecsByOidTest {

    private static final Codec<?> INT4 = IntegerCodec.int4();
    private static final Codec<?> TEXT = new TextCodec(PgType.TEXT);
    private static final Codec<?> USERS = new MoodCodec("mood");

    private static final int HIGH = 16_385;
    /** An OID past 2³¹ (PostgreSQL's OIDs are unsigned): negative as a Java int. */
    private static final int PAST_2_31 = (int) 3_000_000_000L;

    @Test
    void eachOidHasItsCodecsInTheOrderGivenAndAnOidWithoutCodecsNone() {
        CodecsByOid table = CodecsByOid.of(Map.of(23, List.of(USERS, INT4), HIGH, List.of(TEXT), PAST_2_31, List.of(INT4)));
        assertThat(table.get(23)).containsExactly(USERS, INT4);
        assertThat(table.get(HIGH)).containsExactly(TEXT);
        assertThat(table.get(PAST_2_31)).containsExactly(INT4);
        assertThat(table.get(25)).isEmpty();
        assertThat(table.get(HIGH + 1)).isEmpty();
        assertThat(table.get(CodecsByOid.DIRECT_OIDS)).isEmpty();
    }

    @Test
    void addedCodecsComeFirstInACopyAndTheTableItWasMadeFromStaysAsItWas() {
        CodecsByOid table = CodecsByOid.of(Map.of(23, List.of(INT4), HIGH, List.of(TEXT)));
        CodecsByOid bound = table.withFirst(Map.of(23, List.of(USERS), HIGH, List.of(USERS), 25, List.of(TEXT)));
        assertThat(bound.get(23)).containsExactly(USERS, INT4);
        assertThat(bound.get(HIGH)).containsExactly(USERS, TEXT);
        assertThat(bound.get(25)).containsExactly(TEXT);
        assertThat(table.get(23)).containsExactly(INT4);
        assertThat(table.get(HIGH)).containsExactly(TEXT);
        assertThat(table.get(25)).isEmpty();
    }
}
