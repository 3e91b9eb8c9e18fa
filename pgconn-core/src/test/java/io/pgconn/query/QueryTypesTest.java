package io.pgconn.query;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small value types of the query API. */
class QueryTypesTest {

    @Test
    void commandResultsCountRowsOnlyForTagsThatCarryACount() {
        assertThat(CommandResult.of("INSERT 0 3").rowCount()).isEqualTo(OptionalLong.of(3));
        assertThat(CommandResult.of("UPDATE 7").rowsAffected()).isEqualTo(7);
        assertThat(CommandResult.of("SELECT 0").rowCount()).isEqualTo(OptionalLong.of(0));
        assertThat(CommandResult.of("MERGE 2").rowsAffected()).isEqualTo(2);
        assertThat(CommandResult.of("CREATE TABLE").rowCount()).isEmpty();
        assertThat(CommandResult.of("").rowsAffected()).isZero();
    }

    @Test
    void commandResultCountsAreReadInPlaceForEveryVerbThatHasOne() {
        assertThat(CommandResult.of("INSERT 0 1").rowCount()).isEqualTo(OptionalLong.of(1));
        assertThat(CommandResult.of("SELECT 123456789012").rowCount()).isEqualTo(OptionalLong.of(123456789012L));
        assertThat(CommandResult.of("DELETE 15").rowsAffected()).isEqualTo(15);
        assertThat(CommandResult.of("DELETE 16").rowsAffected()).isEqualTo(16);
        assertThat(CommandResult.of("MOVE 4").rowsAffected()).isEqualTo(4);
        assertThat(CommandResult.of("FETCH 5").rowsAffected()).isEqualTo(5);
        assertThat(CommandResult.of("COPY 6").rowsAffected()).isEqualTo(6);
        // a verb that merely starts like a counting one, a count that is not a number, no count at all
        assertThat(CommandResult.of("SELECTS 3").rowCount()).isEmpty();
        assertThat(CommandResult.of("COPYING 3").rowCount()).isEmpty();
        assertThat(CommandResult.of("UPDATE x").rowCount()).isEmpty();
        assertThat(CommandResult.of("UPDATE ").rowCount()).isEmpty();
        assertThat(CommandResult.of("SELECT 99999999999999999999").rowCount()).isEmpty();
        // a tag the decoder shares and the same tag decoded afresh give equal results
        String fresh = new String("INSERT 0 1".toCharArray());
        assertThat(CommandResult.of(fresh)).isEqualTo(CommandResult.of("INSERT 0 1"));
        assertThat(CommandResult.of("COMMIT").rowCount()).isEmpty();
    }

    @Test
    void beginSqlSpellsEveryOption() {
        assertThat(TransactionOptions.DEFAULT.beginSql()).isEqualTo("BEGIN");
        assertThat(TransactionOptions.isolation(IsolationLevel.SERIALIZABLE).readOnly(true).deferrable(true).beginSql())
                .isEqualTo("BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE");
        assertThat(new TransactionOptions(null, false, false).beginSql()).isEqualTo("BEGIN READ WRITE, NOT DEFERRABLE");
    }

    @Test
    void rowMetadataFindsNamesExactlyThenIgnoringCase() {
        RowMetadata metadata = new RowMetadata(List.of(column("id"), column("Name"), column("id")));
        assertThat(metadata.indexOf("id")).isZero();
        assertThat(metadata.indexOf("ID")).isZero();
        assertThat(metadata.indexOf("Name")).isEqualTo(1);
        assertThat(metadata.indexOf("name")).isEqualTo(1);
        assertThatThrownBy(() -> metadata.indexOf("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column \"nope\" in [id, Name, id]");
        assertThatThrownBy(() -> metadata.column(3)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("3 columns");
    }

    @Test
    void aRowIndexOutOfRangeNamesTheIndexTheRowCountAndTheStatement() {
        RowSet empty = new RowSet(new RowMetadata(List.of(column("stock"))), List.of(), "SELECT 0", OptionalLong.of(0));
        assertThatThrownBy(() -> empty.row(0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("row index 0 of a result with 0 rows (SELECT 0): the statement returned no rows");
        assertThatThrownBy(() -> empty.row(-1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("row index -1 of a result with 0 rows (SELECT 0): the statement returned no rows");
        RowSet noTag = new RowSet(new RowMetadata(List.of()), List.of(), "", OptionalLong.empty());
        assertThatThrownBy(() -> noTag.row(2)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("row index 2 of a result with 0 rows: the statement returned no rows");
        assertThatThrownBy(() -> empty.metadata().indexOf(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column \"null\" in [stock]");
    }

    @Test
    void transactionStatusFromTheProtocolLetter() {
        assertThat(TransactionStatus.of('I')).isEqualTo(TransactionStatus.IDLE);
        assertThat(TransactionStatus.of('T')).isEqualTo(TransactionStatus.IN_TRANSACTION);
        assertThat(TransactionStatus.of('E')).isEqualTo(TransactionStatus.FAILED);
    }

    private static ColumnMetadata column(String name) {
        return new ColumnMetadata(name, 23, -1, (short) 4, 0, (short) 0, (short) 1);
    }
}
