package io.pgconn;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A class 22 message keeps no value in any of the languages the server may answer in (review 2 item 9, 10). */
class DataExceptionTextTest {

    private static PgException error(String code, String message) {
        return PgErrors.fromServer("db:5432", new ServerErrorFields(Map.of('S', "ERROR", 'C', code, 'M', message)), false, true);
    }

    @Test
    void theValueIsCutOffInEveryQuoteStyle() {
        assertThat(error("22P02", "invalid input syntax for type integer: \"hunter2\"").getMessage())
                .doesNotContain("hunter2").contains("invalid input syntax for type integer: \"…\"");
        assertThat(error("22P02", "ungültige Eingabesyntax für Typ integer: »hunter2«").getMessage())
                .doesNotContain("hunter2").contains("ungültige Eingabesyntax für Typ integer: »…«");
        assertThat(error("22P02", "syntaxe en entrée invalide pour le type integer : « hunter2 »").getMessage())
                .doesNotContain("hunter2").contains("syntaxe en entrée invalide pour le type integer : «…»");
        assertThat(error("22P02", "неверный синтаксис для типа integer: „hunter2“").getMessage()).doesNotContain("hunter2");
        assertThat(error("22007", "invalid value \"hunter2\" for \"YYYY\"").getMessage()).doesNotContain("hunter2");
        assertThat(error("22003", "value \"98765432109\" is out of range for type integer").getMessage())
                .doesNotContain("98765432109").contains("value \"…\" is out of range for type integer");
        assertThat(error("22P02", "ungültige Eingabesyntax: hunter2").getMessage()).doesNotContain("hunter2").contains("ungültige Eingabesyntax: …");
    }

    @Test
    void bytesAfterTheLastQuoteAreCutOffToo() {
        assertThat(error("22021", "invalid byte sequence for encoding \"UTF8\": 0xe2 0x28").getMessage())
                .doesNotContain("0xe2").contains("invalid byte sequence for encoding \"…\": …").contains("22021");
    }

    @Test
    void aMessageWithNeitherQuoteNorColonKeepsOnlyTheConditionName() {
        assertThat(error("22P02", "Wert hunter2 ist ungültig").getMessage())
                .doesNotContain("hunter2").contains("invalid_text_representation").contains("SQLSTATE 22P02");
    }

    @Test
    void aValueBeforeTheQuotesIsCutOffWithThem() {
        assertThat(error("22003", "setval: value 987654 is out of bounds for sequence \"s\" (1..100)").getMessage())
                .doesNotContain("987654").contains("setval: …").contains("SQLSTATE 22003");
        assertThat(error("22003", "Wert 987654 ist außerhalb des Bereichs für Sequenz »s«").getMessage())
                .doesNotContain("987654").contains("numeric_value_out_of_range");
    }

    @Test
    void postgresqlsMessagesWithoutAPlaceholderAreShownWhole() {
        assertThat(error("22003", "integer out of range").getMessage()).contains("integer out of range").contains("SQLSTATE 22003");
        assertThat(error("22012", "division by zero").getMessage()).contains("division by zero");
        assertThat(error("22003", "value out of range: overflow").getMessage()).contains("value out of range: overflow");
        // the same words around a value are not the fixed message
        assertThat(error("22003", "integer out of range 987654").getMessage()).doesNotContain("987654");
    }

    @Test
    void aWithheldMessageSaysSoAndPointsToServerFields() {
        assertThat(error("22P02", "Wert hunter2 ist ungültig").getMessage()).isEqualTo("server db:5432 reported ERROR: "
                + "invalid_text_representation (SQLSTATE 22P02; message withheld, it may hold a parameter value: see serverFields())");
        assertThat(error("2201G", "count must be greater than zero").getMessage())
                .contains("invalid_argument_for_width_bucket_function (SQLSTATE 2201G; message withheld");
        assertThat(error("22003", "integer out of range").getMessage()).doesNotContain("withheld");
    }

    @Test
    void messagesWhoseOnlyPlaceholdersAreCountsAreShownWholeWithTheirNumbers() {
        assertThat(error("22000", "different vector dimensions 3 and 2").getMessage())
                .isEqualTo("server db:5432 reported ERROR: different vector dimensions 3 and 2 (SQLSTATE 22000)");
        assertThat(error("22000", "expected 1536 dimensions, not 768").getMessage()).contains("expected 1536 dimensions, not 768");
        assertThat(error("22001", "value too long for type character varying(10)").getMessage())
                .contains("value too long for type character varying(10) (SQLSTATE 22001)");
        assertThat(error("22P02", "invalid input syntax for type json").getMessage()).contains("invalid input syntax for type json (SQLSTATE 22P02)");
        assertThat(error("22023", "payload string too long").getMessage()).contains("payload string too long");
        assertThat(error("22000", "NaN not allowed in vector").getMessage()).contains("NaN not allowed in vector");
        // words or values where a count belongs are not the template
        assertThat(error("22000", "different vector dimensions hunter2 and 2").getMessage()).doesNotContain("hunter2").contains("withheld");
        assertThat(error("22000", "expected 3 dimensions, not 2 987654").getMessage()).doesNotContain("987654");
        assertThat(error("22003", "integer out of range 987654").getMessage()).doesNotContain("987654");
    }

    @Test
    void theFieldsToStringShowsNoDetailAndNoQuotedValue() {
        ServerErrorFields fields = new ServerErrorFields(Map.of('S', "ERROR", 'C', "23505",
                'M', "duplicate key value violates unique constraint \"t_pkey\"", 'D', "Key (token)=(tok-s3cr3t) already exists"));
        assertThat(fields.toString()).doesNotContain("tok-s3cr3t").contains("23505").contains("D");
        ServerErrorFields data = new ServerErrorFields(Map.of('S', "ERROR", 'C', "22P02", 'M', "ungültige Eingabesyntax für Typ integer: »hunter2«"));
        assertThat(data.toString()).doesNotContain("hunter2").contains("22P02");
    }
}
