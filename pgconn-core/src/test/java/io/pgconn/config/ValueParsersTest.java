package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueParsersTest {

    @ParameterizedTest(name = "[{0}] = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            5        | PT5S
            0        | PT0S
            500ms    | PT0.5S
            5s       | PT5S
            2m       | PT2M
            1h       | PT1H
            1d       | PT24H
            ' 7 S '  | PT7S
            PT1.5S   | PT1.5S
            pt10m    | PT10M
            """)
    void durations(String text, String iso) {
        assertThat(ValueParsers.duration("connectTimeout", text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "5x", "ms", "-5", "1.5s", "P", "99999999999999999999"})
    void badDurationsNameKeywordAndValue(String text) {
        assertThatThrownBy(() -> ValueParsers.duration("connectTimeout", text))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("invalid connectTimeout value: \"" + text + "\"");
    }

    @ParameterizedTest(name = "[{0}] = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10     | 10
            ' 10 ' | 10
            +3     | 3
            1      | 1
            0      | 0
            -1     | 0
            """)
    void libpqConnectTimeout(String text, long seconds) {
        assertThat(ValueParsers.libpqTimeout("connect_timeout", text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest(name = "[{0}] = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1024    | 1024
            64kB    | 65536
            64KiB   | 65536
            64k     | 65536
            16MB    | 16777216
            1GiB    | 1073741824
            1g      | 1073741824
            """)
    void sizes(String text, int bytes) {
        assertThat(ValueParsers.size("maxMessageSize", text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"2GiB", "-1", "1TB", "lots", ""})
    void badSizes(String text) {
        assertThatThrownBy(() -> ValueParsers.size("maxMessageSize", text))
                .hasMessageContaining("invalid maxMessageSize value: \"" + text + "\"");
    }

    @ParameterizedTest(name = "[{0}] = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1     | true
            true  | true
            ON    | true
            yes   | true
            0     | false
            false | false
            off   | false
            No    | false
            """)
    void booleans(String text, boolean expected) {
        assertThat(ValueParsers.bool("sslsni", text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            tlsv1.2  | TLSv1.2
            TLSv1.3  | TLSv1.3
            TLSV1    | TLSv1
            """)
    void tlsVersionsAreCanonical(String text, String expected) {
        assertThat(ValueParsers.tlsVersion("ssl_min_protocol_version", text)).isEqualTo(expected);
    }
}
