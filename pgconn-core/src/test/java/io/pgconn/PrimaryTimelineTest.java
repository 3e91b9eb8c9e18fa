package io.pgconn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The timeline's answer read as the server gives it; anything else fails naming the host and the answer. */
class PrimaryTimelineTest {

    @Test
    void eightHexDigitsAreTheTimelineAndEmptyTextIsAServerInRecovery() {
        assertThat(PrimaryTimeline.parse("db1:5432", answer("00000002"))).isEqualTo(OptionalLong.of(2));
        assertThat(PrimaryTimeline.parse("db1:5432", answer("0000001A"))).isEqualTo(OptionalLong.of(26));
        assertThat(PrimaryTimeline.parse("db1:5432", answer(""))).isEmpty();
    }

    @Test
    void anythingElseFailsNamingTheHostAndTheAnswer() {
        assertThatThrownBy(() -> PrimaryTimeline.parse("db1:5432", answer("0000000G"))).isInstanceOf(PgProtocolException.class)
                .hasMessageContaining("db1:5432").hasMessageContaining("'0000000G'").hasMessageContaining("8 hex digits");
        assertThatThrownBy(() -> PrimaryTimeline.parse("db1:5432", new QueryResult(List.of("timeline"), List.of(), "SELECT 0")))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("db1:5432").hasMessageContaining("0 row(s)");
    }

    private static QueryResult answer(String value) {
        return new QueryResult(List.of("timeline"), List.of(List.of(value)), "SELECT 1");
    }
}
