package io.pgconn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which server errors end an established session: the severity decides (FATAL and PANIC always
 * do in PostgreSQL, whatever the SQLSTATE), the SQLSTATE only when the server sent no severity.
 */
class PgErrorsTest {

    @ParameterizedTest(name = "V={0} S={1} {2} -> {3}, ends the session: {4}")
    @CsvSource(nullValues = "-", value = {
            // severity FATAL/PANIC: the session is over, whatever the code
            "FATAL, FATAL,        25P03, PgClosedException,         true",  // idle_in_transaction_session_timeout
            "FATAL, FATAL,        25P04, PgClosedException,         true",  // transaction_timeout (PG 17+)
            "FATAL, FATAL,        57P04, PgClosedException,         true",  // database_dropped
            "FATAL, FATAL,        57P01, PgClosedException,         true",  // admin_shutdown
            "FATAL, FATAL,        XX000, PgClosedException,         true",
            "PANIC, PANIC,        XX000, PgClosedException,         true",
            "FATAL, SCHWERWIEGEND, 25P03, PgClosedException,        true",  // V decides, S is localized
            "FATAL, FATAL,        28000, PgClosedException,         true",
            "-,     FATAL,        25P03, PgClosedException,         true",  // no V (before 9.6): S
            // severity ERROR: the statement's error, the session goes on — class 08 and 57P01 included
            "ERROR, ERROR,        08P01, PgServerException,         false", // a Bind with the wrong parameter count
            "ERROR, ERROR,        57P01, PgServerException,         false",
            "ERROR, FEHLER,       42601, PgServerException,         false",
            "ERROR, ERROR,        28P01, PgAuthenticationException, false",
            // no severity at all (not PostgreSQL): the codes PostgreSQL sends only as FATAL, and class 08
            "-,     -,            57P05, PgClosedException,         true",
            "-,     -,            25P04, PgClosedException,         true",
            "-,     -,            08006, PgClosedException,         true",
            "-,     -,            42601, PgServerException,         false",
    })
    void afterStartupTheSeverityDecidesWhetherTheSessionEnded(String v, String s, String code, String type, boolean endsSession) {
        Map<Character, String> fields = new HashMap<>();
        if (v != null) {
            fields.put('V', v);
        }
        if (s != null) {
            fields.put('S', s);
        }
        fields.put('C', code);
        fields.put('M', "some message");
        ServerErrorFields serverFields = new ServerErrorFields(fields);
        PgException error = PgErrors.fromServer("db:5432", serverFields, false);
        assertThat(error.getClass().getSimpleName()).isEqualTo(type);
        assertThat(error.endsSession()).isEqualTo(endsSession);
        assertThat(serverFields.endsSession()).isEqualTo(endsSession);
        assertThat(error.sqlState()).contains(code);
    }

    @ParameterizedTest(name = "{0} during startup -> {1}")
    @CsvSource({"28P01, PgAuthenticationException", "57P03, PgConnectException", "25P03, PgConnectException", "08006, PgConnectException"})
    void duringStartupAFatalIsAFailedConnectNotAClosedSession(String code, String type) {
        PgException error = PgErrors.fromServer("db:5432", new ServerErrorFields(Map.of('S', "FATAL", 'V', "FATAL", 'C', code, 'M', "no")), true);
        assertThat(error.getClass().getSimpleName()).isEqualTo(type);
        assertThat(error.endsSession()).isTrue();
    }

    /** libpq's lines under the message: DETAIL only when the connection lets it in (it may show data), HINT always. */
    @Test
    void theHintFollowsOnALineOfItsOwnAndTheDetailOnlyWhenAskedForBeforeIt() {
        ServerErrorFields both = new ServerErrorFields(Map.of('S', "ERROR", 'V', "ERROR", 'C', "2BP01",
                'M', "cannot drop table t because other objects depend on it", 'D', "view v depends on table t",
                'H', "Use DROP ... CASCADE to drop the dependent objects too."));
        String first = "server db:5432 reported ERROR: cannot drop table t because other objects depend on it (SQLSTATE 2BP01)";
        assertThat(PgErrors.fromServer("db:5432", both, false).getMessage())
                .isEqualTo(first + "\nHINT: Use DROP ... CASCADE to drop the dependent objects too.");
        assertThat(PgErrors.fromServer("db:5432", both, false, false, true).getMessage())
                .isEqualTo(first + "\nDETAIL: view v depends on table t\nHINT: Use DROP ... CASCADE to drop the dependent objects too.");
        ServerErrorFields neither = new ServerErrorFields(Map.of('S', "ERROR", 'C', "42601", 'M', "syntax error at end of input"));
        assertThat(PgErrors.fromServer("db:5432", neither, false, false, true).getMessage())
                .isEqualTo("server db:5432 reported ERROR: syntax error at end of input (SQLSTATE 42601)");
    }

    /** A data exception of a statement with parameters: the message is still cut before the value, the hint follows it. */
    @Test
    void aCutDataExceptionKeepsItsHintAndShowsItsDetailOnlyWhenAskedFor() {
        ServerErrorFields date = new ServerErrorFields(Map.of('S', "ERROR", 'C', "22008",
                'M', "date/time field value out of range: \"2024-13-45\"", 'D', "the value \"2024-13-45\"",
                'H', "Perhaps you need a different \"datestyle\" setting."));
        String message = PgErrors.fromServer("db:5432", date, false, true).getMessage();
        assertThat(message).doesNotContain("2024-13-45").contains("date/time field value out of range")
                .endsWith("\nHINT: Perhaps you need a different \"datestyle\" setting.");
        assertThat(PgErrors.fromServer("db:5432", date, false, true, true).getMessage().lines())
                .containsExactly(message.lines().findFirst().orElseThrow(), "DETAIL: the value \"2024-13-45\"",
                        "HINT: Perhaps you need a different \"datestyle\" setting.");
    }
    /**
     * AUDIT-15 L5: a HINT user code may have written (an error raised inside a function: a CONTEXT; PL/pgSQL's class
     * P0; its RAISE routine) is held back as a DETAIL is, whatever the SQLSTATE; the server's own HINT stays.
     */
    @ParameterizedTest(name = "C={0} W={1} R={2}: hint shown by default: {3}")
    @CsvSource(nullValues = "-", value = {
            "42883, -,                                              -,               true",
            "2BP01, -,                                              RemoveRelations, true",
            "P0001, PL/pgSQL function f(text) line 3 at RAISE,      exec_stmt_raise, false",
            "23505, PL/pgSQL function f(text) line 3 at RAISE,      exec_stmt_raise, false",
            "42883, PL/pgSQL function f() line 2 at PERFORM,        -,               false",
            "XX000, PL/Python function \"f\",                      -,               false",
            "P0001, -,                                              -,               false",
            "42501, -,                                              exec_stmt_raise, false",
    })
    void aHintUserCodeMayHaveWrittenIsHeldBackAsADetailIs(String code, String where, String routine, boolean shown) {
        Map<Character, String> fields = new HashMap<>(Map.of('S', "ERROR", 'V', "ERROR", 'C', code, 'M', "no", 'H', "not tok-s3cr3t"));
        if (where != null) {
            fields.put('W', where);
        }
        if (routine != null) {
            fields.put('R', routine);
        }
        ServerErrorFields serverFields = new ServerErrorFields(fields);
        String first = "server db:5432 reported ERROR: no (SQLSTATE " + code + ")";
        assertThat(PgErrors.fromServer("db:5432", serverFields, false).getMessage())
                .isEqualTo(shown ? first + "\nHINT: not tok-s3cr3t" : first);
        assertThat(PgErrors.fromServer("db:5432", serverFields, true).getMessage()).as("during startup too")
                .isEqualTo(shown ? first + "\nHINT: not tok-s3cr3t" : first);
        assertThat(PgErrors.fromServer("db:5432", serverFields, false, true, true).getMessage()).as("serverErrorDetail=true")
                .isEqualTo(first + "\nHINT: not tok-s3cr3t");
    }

    /** NEW-USER-25 F3: a COPY's position in its data is named, cut before the value; any other CONTEXT stays out. */
    @Test
    void aCopysLineAndColumnAreNamedWithoutTheData() {
        ServerErrorFields copy = new ServerErrorFields(Map.of('S', "ERROR", 'C', "22P02", 'M',
                "invalid input syntax for type integer: \"s3cret\"", 'W', "COPY item, line 7, column qty: \"s3cret\""));
        assertThat(PgErrors.fromServer("db:5432", copy, false, true).getMessage())
                .isEqualTo("server db:5432 reported ERROR: invalid input syntax for type integer: \"…\" (SQLSTATE 22P02)"
                        + "\nCONTEXT: COPY item, line 7, column qty");
        ServerErrorFields shortLine = new ServerErrorFields(Map.of('S', "ERROR", 'C', "22P04", 'M',
                "missing data for column \"note\"", 'W', "COPY item, line 3: \"3,c,s3cret\""));
        assertThat(PgErrors.fromServer("db:5432", shortLine, false, true).getMessage())
                .endsWith("\nCONTEXT: COPY item, line 3").doesNotContain("s3cret");
        ServerErrorFields function = new ServerErrorFields(Map.of('S', "ERROR", 'C', "22012", 'M', "division by zero",
                'W', "PL/pgSQL function f(integer) line 3 at RETURN"));
        assertThat(PgErrors.fromServer("db:5432", function, false, false).getMessage()).doesNotContain("CONTEXT");
    }
}
