package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * URI cases mirroring libpq's own {@code src/interfaces/libpq/test/regress.in} and its
 * {@code expected.out}, rendered the same way ({@code key='value'} in libpq's option order).
 * Where libpq only warns about an unknown query parameter we fail (tested in
 * {@link ConnConfigParseTest}).
 */
class UriParserTest {

    private static final List<String> ORDER = List.of("user", "password", "dbname", "host", "hostaddr", "port");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            postgresql://uri-user:secret@host:12345/db | user='uri-user' password='secret' dbname='db' host='host' port='12345'
            postgresql://uri-user@host:12345/db        | user='uri-user' dbname='db' host='host' port='12345'
            postgresql://uri-user@host/db              | user='uri-user' dbname='db' host='host'
            postgresql://host:12345/db                 | dbname='db' host='host' port='12345'
            postgresql://host/db                       | dbname='db' host='host'
            postgresql://uri-user@host:12345/          | user='uri-user' host='host' port='12345'
            postgresql://uri-user@host/                | user='uri-user' host='host'
            postgresql://uri-user@                     | user='uri-user'
            postgresql://host:12345/                   | host='host' port='12345'
            postgresql://host:12345                    | host='host' port='12345'
            postgresql://host/                         | host='host'
            postgresql://host                          | host='host'
            postgresql://                              | ""
            postgresql://?hostaddr=127.0.0.1           | hostaddr='127.0.0.1'
            postgresql://example.com?hostaddr=63.1.2.4 | host='example.com' hostaddr='63.1.2.4'
            postgresql://%68ost/                       | host='host'
            postgresql://host/db?user=uri-user         | user='uri-user' dbname='db' host='host'
            postgresql://host/db?user=uri-user&port=12345 | user='uri-user' dbname='db' host='host' port='12345'
            postgresql://host/db?u%73er=someotheruser&port=12345 | user='someotheruser' dbname='db' host='host' port='12345'
            postgresql://host:12345?user=uri-user      | user='uri-user' host='host' port='12345'
            postgresql://host?user=uri-user            | user='uri-user' host='host'
            postgresql://host?                         | host='host'
            postgresql://[::1]:12345/db                | dbname='db' host='::1' port='12345'
            postgresql://[::1]/db                      | dbname='db' host='::1'
            postgresql://[2001:db8::1234]/             | host='2001:db8::1234'
            postgresql://[200z:db8::1234]/             | host='200z:db8::1234'
            postgresql://[::1]                         | host='::1'
            postgres://                                | ""
            postgres:///                               | ""
            postgres:///db                             | dbname='db'
            postgres://uri-user@/db                    | user='uri-user' dbname='db'
            postgres://?host=/path/to/socket/dir       | host='/path/to/socket/dir'
            postgres://@host                           | host='host'
            postgres://host:/                          | host='host'
            postgres://:12345/                         | port='12345'
            postgres://otheruser@?host=/no/such/directory  | user='otheruser' host='/no/such/directory'
            postgres://otheruser@/?host=/no/such/directory | user='otheruser' host='/no/such/directory'
            postgres://otheruser@:12345?host=/no/such/socket/path | user='otheruser' host='/no/such/socket/path' port='12345'
            postgres://otheruser@:12345/db?host=/path/to/socket   | user='otheruser' dbname='db' host='/path/to/socket' port='12345'
            postgres://:12345/db?host=/path/to/socket  | dbname='db' host='/path/to/socket' port='12345'
            postgres://:12345?host=/path/to/socket     | host='/path/to/socket' port='12345'
            postgres://%2Fvar%2Flib%2Fpostgresql/dbname | dbname='dbname' host='/var/lib/postgresql'
            postgresql://h1,h2:5433,[::1]:5434/db      | dbname='db' host='h1,h2,::1' port=',5433,5434'
            postgresql://,host2                        | host=',host2' port=','
            postgresql://u:p%40ss%3Aw:rd@host          | user='u' password='p@ss:w:rd' host='host'
            postgresql://[fe80::1%25eth0]:5432         | host='fe80::1%eth0' port='5432'
            postgresql://h%C3%A9/caf%C3%A9             | dbname='café' host='hé'
            postgres://host/my%20db?application_name=my%20app | dbname='my db' host='host' application_name='my app'
            postgresql://host?ssl=true                 | host='host' sslmode='require'
            postgresql://host?sslmode=require&         | host='host' sslmode='require'
            postgresql://host/db?host=other&port=7     | dbname='db' host='other' port='7'
            postgresql://a@b/c?application_name=x@y    | user='a' dbname='c' host='b' application_name='x@y'
            postgresql://host?application_name=x@y     | host='host' application_name='x@y'
            postgresql://app:pa?ss@db/app              | user='app' password='pa?ss' dbname='app' host='db'
            postgresql://app:p?a&s#s@db:5433           | user='app' password='p?a&s#s' host='db' port='5433'
            postgresql://app@db?application_name=a@b   | user='app' host='db' application_name='a@b'
            """)
    void parsesLikeLibpq(String uri, String expected) {
        assertThat(render(ConnectionStringParser.parse(uri))).isEqualTo(expected == null ? "" : expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            postgre://                        | missing "=" after "postgre://"
            postgres://[::1                   | when looking for matching "]"
            postgres://[]                     | IPv6 host address may not be empty
            postgres://[::1]z                 | unexpected character "z" at position 17
            postgresql://host?zzz             | missing key/value separator "=" in URI query parameter: "zzz"
            postgresql://host?value1&value2   | missing key/value separator "=" in URI query parameter: "value1"
            postgresql://host?a=1&&b=2        | missing key/value separator "="
            postgresql://host?key=key=value   | extra key/value separator "=" in URI query parameter: "key"
            postgres://host?dbname=%XXfoo     | invalid percent-encoded token "%XX" in dbname
            postgresql://a%00b                | forbidden value %00 in percent-encoded value of host
            postgresql://%zz                  | invalid percent-encoded token "%zz"
            postgresql://%1                   | invalid percent-encoded token "%1"
            postgresql://%                    | invalid percent-encoded token "%"
            postgresql://host/%FF             | percent-encoded value of dbname is not valid UTF-8
            postgresql://host?ssl=false       | invalid ssl value
            postgresql://h?a=1&pw@x           | missing key/value separator "=" in URI query parameter (not quoted: it holds an '@'
            """)
    void rejectsMalformedUris(String uri, String message) {
        assertThatThrownBy(() -> ConnectionStringParser.parse(uri))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((PgConfigException) e).host()).isNull());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            postgresql://user:S3cr3t%zz@host
            postgresql://user:S3cr3t%00@host
            postgresql://host?password=S3cr3t%4
            postgresql://app:pa?x=1&S3cr3t@db/app
            """)
    void malformedPasswordIsNotEchoed(String uri) {
        assertThatThrownBy(() -> ConnectionStringParser.parse(uri))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("password")
                .hasMessageNotContaining("S3cr3t");
    }

    /** Last value per keyword, libpq's option order first, then the rest in order of appearance. */
    /**
     * A query parameter's name is any text: messages about its value show it as SafeText shows any text (controls as
     * '?', at most 40 characters). Seen failing before: the raw U+0001 and the whole name in the message (found by
     * ConnectionStringDifferentialIT's exploration).
     */
    @ParameterizedTest(name = "[{index}]")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"%FF", "%00", "%zz"})
    void aQueryParameterNameIsQuotedAsAnyTextIs(String badValue) {
        String name = "applica\u0001ion_name" + "x".repeat(60);
        assertThatThrownBy(() -> UriParser.parse("postgresql://h/db?" + name + "=" + badValue))
                .isInstanceOf(io.pgconn.PgConfigException.class)
                .hasMessageContaining("applica?ion_name")
                .hasMessageNotContaining("\u0001")
                .hasMessageNotContaining("x".repeat(40));
    }

    /** Only ASCII hex digits, as libpq (seen failing before: "%\u0663\u0663" decoded to "3", "%\uFF21\uFF21" to byte 0xAA). */
    @ParameterizedTest(name = "[{index}]")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"postgresql://h/db?application_name=%\u0663\u0663", "postgresql://h/d%\uFF21\uFF21b",
            "postgresql://h/db?application_name=%4\uFF21"})
    void aPercentTokenTakesOnlyAsciiHexDigits(String uri) {
        assertThatThrownBy(() -> UriParser.parse(uri))
                .isInstanceOf(io.pgconn.PgConfigException.class)
                .hasMessageContaining("invalid percent-encoded token");
    }

    @Test
    void aControlCharacterAfterAnIpv6LiteralIsShownAsAQuestionMark() {
        assertThatThrownBy(() -> UriParser.parse("postgresql://[::1]\u0001/db"))
                .hasMessageContaining("unexpected character \"?\"")
                .hasMessageNotContaining("\u0001");
    }

    static String render(List<Map.Entry<String, String>> pairs) {
        Map<String, String> last = new LinkedHashMap<>();
        pairs.forEach(p -> last.put(p.getKey(), p.getValue()));
        Map<String, String> ordered = new LinkedHashMap<>();
        ORDER.stream().filter(last::containsKey).forEach(k -> ordered.put(k, last.get(k)));
        last.forEach(ordered::putIfAbsent);
        return ordered.entrySet().stream().map(e -> e.getKey() + "='" + e.getValue() + "'")
                .collect(Collectors.joining(" "));
    }
}
