package io.pgconn.internal.query;

import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.CommandResult;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.Segment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What one result hands its run: the header once, before its first row or its end; rows checked against it. */
class ResultSegmentsTest {

    private static final RowMetadata TWO_COLUMNS = new RowMetadata(List.of(text("a"), text("b")));
    private static final RowMetadata NO_COLUMNS = new RowMetadata(List.of());

    private final List<Segment> emitted = new ArrayList<>();
    private final ResultSegments segments = new ResultSegments(emitted::add, "db:5432", () -> "statement 2 of a script");
    private final ValueCodecs.RowDecoder decoder = TextValueCodecs.INSTANCE.rowDecoder(TWO_COLUMNS, "db:5432");

    private static ColumnMetadata text(String name) {
        return new ColumnMetadata(name, 25, -1, (short) -1, 0, (short) 0, (short) 0);
    }

    @Test
    void theHeaderGoesOnceBeforeTheFirstRowAndRowsAreCounted() {
        segments.row(new DataRow(List.of("1", "x")), TWO_COLUMNS, decoder, false);
        segments.row(new DataRow(List.of("2", "y")), TWO_COLUMNS, decoder, false);
        CommandResult end = CommandResult.of("SELECT 2");
        segments.end(TWO_COLUMNS, end);
        assertThat(emitted).hasSize(4);
        assertThat(emitted.get(0)).isSameAs(TWO_COLUMNS);
        assertThat(((Row) emitted.get(2)).get(1, String.class)).isEqualTo("y");
        assertThat(emitted.get(3)).isSameAs(end);
        assertThat(segments.rows()).isEqualTo(2);
    }

    @Test
    void aResultWithoutRowsHasItsHeaderBeforeItsEndAndOneWithoutColumnsNone() {
        segments.end(TWO_COLUMNS, CommandResult.of("SELECT 0"));
        segments.nextResult();
        segments.end(NO_COLUMNS, CommandResult.of("CREATE TABLE"));
        assertThat(emitted).hasSize(3);
        assertThat(emitted.get(0)).isSameAs(TWO_COLUMNS);
        assertThat(emitted.get(1)).isInstanceOf(CommandResult.class);
        assertThat(emitted.get(2)).isInstanceOf(CommandResult.class);
    }

    @Test
    void theNextResultHasItsOwnHeaderAndCount() {
        segments.row(new DataRow(List.of("1", "x")), TWO_COLUMNS, decoder, false);
        segments.nextResult();
        assertThat(segments.rows()).isZero();
        segments.row(new DataRow(List.of("2", "y")), TWO_COLUMNS, decoder, false);
        assertThat(emitted).filteredOn(s -> s == TWO_COLUMNS).hasSize(2);
    }

    @Test
    void anAbortedRunsRowsAreCheckedAndReadPast() {
        segments.row(new DataRow(List.of("1", "x")), TWO_COLUMNS, decoder, true);
        assertThat(emitted).isEmpty();
        assertThatThrownBy(() -> segments.row(new DataRow(List.of("1")), TWO_COLUMNS, decoder, true))
                .isInstanceOf(PgProtocolException.class);
    }

    @Test
    void aRowWithoutADescriptionOrWithAnotherColumnCountBreaksTheProtocol() {
        assertThatThrownBy(() -> segments.row(new DataRow(List.of("1")), null, decoder, false))
                .isInstanceOf(PgProtocolException.class)
                .hasMessage("server db:5432 sent DataRow without a RowDescription for statement 2 of a script");
        assertThatThrownBy(() -> segments.row(new DataRow(List.of("1")), TWO_COLUMNS, decoder, false))
                .isInstanceOf(PgProtocolException.class)
                .hasMessage("server db:5432 sent DataRow with 1 columns, but the RowDescription has 2");
        assertThat(emitted).isEmpty();
    }
}
