package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** libpq's key=value form ({@code conninfo_parse}): whitespace, single quotes, backslash escapes. */
class ConnectionStringParserTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("", ""),
                arguments("   ", ""),
                arguments("host=localhost port=5432 dbname=mydb", "dbname='mydb' host='localhost' port='5432'"),
                arguments("host = localhost   port=  5432\tdbname =mydb", "dbname='mydb' host='localhost' port='5432'"),
                arguments("host=h\n\tuser=u", "user='u' host='h'"),
                arguments("password='a b\\'c\\\\d'", "password='a b'c\\d'"),
                arguments("password=''", "password=''"),
                arguments("user=a\\ b", "user='a b'"),
                arguments("user=a\\ ", "user='a '"),
                arguments("user=it\\'s", "user='it's'"),
                arguments("user='x'dbname=y", "user='x' dbname='y'"),
                arguments("options='-c search_path=public -c work_mem=64MB'",
                        "options='-c search_path=public -c work_mem=64MB'"),
                arguments("host=a host=b", "host='b'"),
                arguments("application_name=é☃", "application_name='é☃'"),
                // libpq: whitespace after "=" is skipped, so the next token is the value
                arguments("host= port=5", "host='port=5'"));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("valid")
    void parses(String input, String expected) {
        assertThat(UriParserTest.render(ConnectionStringParser.parse(input))).isEqualTo(expected);
    }

    static Stream<Arguments> libpqSpaces() {
        return Stream.of(
                arguments("host=a\u001Fb", "host='a\u001Fb'"),
                arguments("host=a\u2028port=1", "host='a\u2028port=1'"),
                arguments("application_name=x\u3000y", "application_name='x\u3000y'"),
                arguments("host=a\u000Bport=1", "host='a' port='1'"),
                arguments("host=a\fport=1\r", "host='a' port='1'"));
    }

    /**
     * libpq splits on {@code isspace} in the C locale (space, \t, \n, \v, \f, \r) only: U+001F, U+2028 and
     * U+3000 are data, where Java's {@code Character.isWhitespace} splits (seen failing before: "a" and "b"
     * missing its "="; found by ConnectionStringDifferentialTest against libpq 18).
     */
    @ParameterizedTest(name = "[{index}]")
    @MethodSource("libpqSpaces")
    void splitsOnlyWhereLibpqsIsspaceDoes(String input, String expected) {
        assertThat(UriParserTest.render(ConnectionStringParser.parse(input))).isEqualTo(expected);
    }

    @Test
    void aKeywordStartingWithAUnicodeSpaceIsUnknown() {
        assertThatThrownBy(() -> ConnConfig.parse("\u3000host=a", EnvironmentSource.of(java.util.Map.of())))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("invalid connection option \"\u3000host\"");
    }

    /** A URI's trailing whitespace is dropped (docs/lifecycle.md §9), libpq's whitespace only: U+3000 stays in the value. */
    @Test
    void aUriDropsOnlyTrailingAsciiWhitespace() {
        assertThat(ConnectionStringParser.parse("postgresql://h/db?application_name=x\u3000\t\n \u000B"))
                .containsExactly(java.util.Map.entry("host", "h"), java.util.Map.entry("dbname", "db"),
                        java.util.Map.entry("application_name", "x\u3000"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("host", "missing \"=\" after \"host\""),
                arguments("host=x port", "missing \"=\" after \"port\""),
                arguments("host x=1", "missing \"=\" after \"host\""),
                arguments("password='abc", "unterminated quoted string in connection info string (value of \"password\")"),
                arguments("user='abc\\'", "unterminated quoted string"));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("invalid")
    void rejects(String input, String message) {
        assertThatThrownBy(() -> ConnectionStringParser.parse(input))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "mysql://app:S3cr3t@db/orders | mysql://app:***@db/orders",
            "app:S3cr3t@db:5432            | app:***@db:5432",
            "jdbc:postgresql://a:S3cr3t@h  | jdbc:postgresql://a:***@h"})
    void aStrayUrlIsShownWithoutItsPassword(String input, String shown) {
        assertThatThrownBy(() -> ConnectionStringParser.parse(input))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("missing \"=\" after \"" + shown + "\"")
                .hasMessageNotContaining("S3cr3t");
    }

    @Test
    void unquotedSecretWithSpaceIsNotEchoed() {
        assertThatThrownBy(() -> ConnectionStringParser.parse("user=u password=S3cr3t tail host=h"))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("after the value of \"password\"")
                .hasMessageNotContaining("S3cr3t")
                .hasMessageNotContaining("tail");
    }

    @Test
    void unterminatedQuotedSecretIsNotEchoed() {
        assertThatThrownBy(() -> ConnectionStringParser.parse("password='S3cr3t"))
                .hasMessageNotContaining("S3cr3t");
    }
}
