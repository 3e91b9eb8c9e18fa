package io.pgconn.internal.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TypeChangingCommandsTest {

    @Test
    void noTagThatChangesTypesEndsInADigitSoRowCountTagsSkipTheLookup() {
        assertThat(TypeChangingCommands.tags()).isNotEmpty()
                .allSatisfy(tag -> assertThat(Character.isDigit(tag.charAt(tag.length() - 1))).as(tag).isFalse());
    }

    @Test
    void rowCountTagsChangeNothingAndTypeStatementsAreKnown() {
        assertThat(TypeChangingCommands.of("SELECT 1")).isNull();
        assertThat(TypeChangingCommands.of("INSERT 0 12")).isNull();
        assertThat(TypeChangingCommands.of("MERGE 3")).isNull();
        assertThat(TypeChangingCommands.of("")).isNull();
        assertThat(TypeChangingCommands.of("COMMIT")).isNull();
        assertThat(TypeChangingCommands.of("CREATE TYPE")).isEqualTo(TypeChangingCommands.Change.TYPES);
        assertThat(TypeChangingCommands.of("DO")).isEqualTo(TypeChangingCommands.Change.TYPES);
        assertThat(TypeChangingCommands.of("CREATE TABLE")).isEqualTo(TypeChangingCommands.Change.ROW_TYPES);
        assertThat(TypeChangingCommands.of("SET")).as("ServerReports' to read, for the search path").isNull();
    }
}
