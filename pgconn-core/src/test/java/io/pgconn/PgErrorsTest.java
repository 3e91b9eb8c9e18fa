package io.pgconn;

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
}
