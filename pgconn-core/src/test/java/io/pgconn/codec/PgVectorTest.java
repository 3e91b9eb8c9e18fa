package io.pgconn.codec;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgVectorTest {

    @Test
    void aNullArrayIsRefusedNamingWhatAVectorIs() {
        assertThatThrownBy(() -> PgVector.of((float[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("PgVector.of")
                .hasMessageContaining("elements is null")
                .hasMessageContaining("1 to 16000 finite float elements")
                .hasMessageContaining("SQL NULL");
    }

    @Test
    void badElementsAreRefusedNamingTheCountOrTheIndex() {
        assertThatThrownBy(() -> PgVector.of())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a pgvector vector: a vector has 1 to 16000 dimensions, this one 0");
        assertThatThrownBy(() -> PgVector.of(new float[PgVector.MAX_DIMENSIONS + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("this one 16001");
        assertThatThrownBy(() -> PgVector.of(1f, Float.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("(element 1)");
        assertThatThrownBy(() -> PgVector.of(Float.NEGATIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("(element 0)");
    }

    @Test
    void itCopiesTheArrayItIsMadeFromAndTheOneItHandsOut() {
        float[] source = {1f, 2f};
        PgVector vector = PgVector.of(source);
        source[0] = 9f;
        vector.toArray()[1] = 9f;
        assertThat(vector.toArray()).containsExactly(1f, 2f);
        assertThat(vector).hasToString("PgVector[2 dimensions]");
    }
}
