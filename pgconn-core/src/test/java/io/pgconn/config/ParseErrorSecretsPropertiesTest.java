package io.pgconn.config;

import io.pgconn.PgConfigException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parse errors never echo a password (issue 15 item 11). Connection strings that hold a known
 * password — always still labelled as one, by {@code password=}/{@code sslpassword=} or as URI
 * user-info {@code user:pw@} — are mutated the way real typos and fuzzers move a password out of its
 * position: an upper-case scheme (read as key=value), stray tokens such as {@code maxMessageSize= }
 * or an unclosed quote in front of it, lost spaces, extra or missing quotes and separators. Parsing
 * either succeeds or fails with a {@link PgConfigException} whose message chain, {@code keyword()} and
 * {@code value()} do not contain the password.
 */
class ParseErrorSecretsPropertiesTest {

    static final String PASSWORD = "Kx9-Secret-Pw7";

    private static final List<String> BASES = List.of(
            "host=db port=5432 user=alice password=" + PASSWORD + " dbname=app sslmode=require",
            "host=db password='" + PASSWORD + "' user=alice connect_timeout=10",
            "user=alice password=" + PASSWORD + " maxMessageSize=1MB keepalives=1",
            "host=db sslpassword=" + PASSWORD + " sslmode=verify-full target_session_attrs=any",
            "postgresql://alice:" + PASSWORD + "@db:5432/app?sslmode=require",
            "postgres://alice:" + PASSWORD + "@db1:5432,db2/app?application_name=x&connect_timeout=5",
            "postgresql://alice@db/app?password=" + PASSWORD + "&sslmode=prefer",
            "postgresql://db/app?user=alice&sslpassword=" + PASSWORD + "&port=5433");

    private static final List<String> STRAY = List.of("maxMessageSize= ", "port= ", "sslmode= ", "options='", "'", "=", " x ",
            "\\", "connect_timeout=", "?", "&", ",", ":", "application_name='a ", "keepalives=");

    /** One mutation: what it does and the string it made. */
    record Mutation(String name, String result) {
    }

    @Property(tries = 10_000)
    void noParseErrorEchoesThePassword(@ForAll("mutated") Tuple.Tuple2<String, List<String>> input) {
        String dsn = input.get1();
        Statistics.label("outcome").collect(outcome(dsn));
        try {
            ConnConfig.parse(dsn, EnvironmentSource.of(Map.of("HOME", "/nonexistent-home")));
        } catch (PgConfigException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).as("message of %s after %s for %s", t.getClass().getSimpleName(),
                        input.get2(), dsn).doesNotContain(PASSWORD);
            }
            assertThat(e.toString()).doesNotContain(PASSWORD);
            // the structured value (for callers such as the starter) is held to the same rule as the message
            assertThat(e.value().orElse("")).as("value() for %s after %s", dsn, input.get2()).doesNotContain(PASSWORD);
            assertThat(e.keyword().orElse("")).as("keyword() for %s after %s", dsn, input.get2()).doesNotContain(PASSWORD);
        }
    }

    /** The cases the issue names, fixed. */
    @Example
    void theReportedShapesDoNotLeak() {
        for (String dsn : List.of(
                "POSTGRESQL://alice:" + PASSWORD + "@db:5432/app?sslmode=require",
                "host=db options='-c a=b password='" + PASSWORD + "' dbname=app",
                "host=db maxMessageSize= password='" + PASSWORD + "'",
                "host=db port=5432password=" + PASSWORD,
                "host=db sslmode=require" + "password=" + PASSWORD,
                "alice:" + PASSWORD + "@db/app",
                "host=db min_protocol_version='x password=" + PASSWORD + "'",
                // found by the property: the quote closes inside the password, whose rest becomes a keyword
                "hoptions='ost=db password='" + PASSWORD + "'options=' user=alice connect_timeout=10")) {
            try {
                ConnConfig.parse(dsn, EnvironmentSource.of(Map.of()));
            } catch (PgConfigException e) {
                assertThat(e.getMessage()).as(dsn).doesNotContain(PASSWORD);
                assertThat(e.value().orElse("")).as(dsn).doesNotContain(PASSWORD);
                assertThat(e.keyword().orElse("")).as(dsn).doesNotContain(PASSWORD);
            }
        }
    }

    /**
     * A URI password holding an unescaped '/' (base64 passwords do): the user-info ends at the first '/' or '@', so libpq
     * and pgconn read {@code alice:<head>} as host and port and the rest as the database. libpq then says
     * {@code invalid integer value "<head>" for connection option "port"}, and pgconn said "invalid port value: "<head>""
     * (PARITY-19); with an empty or numeric head both dialled {@code alice} and sent the tail as the database name, which
     * the server's error echoes (REVIEW-19 M1). Refused, quoting nothing.
     */
    @Example
    void aSlashInAUriPasswordPutsNoPartOfItInTheErrorNorOnTheWire() {
        for (String dsn : List.of("postgresql://alice:Kx9Sec/ret-Pw7@db:5432/app", "postgres://alice:Kx9Sec/ret@db/app?sslmode=require",
                "postgresql://alice:Kx9Sec/@db/app", "postgresql://db1:5432,alice:Kx9Sec/ret@db/app",
                "postgresql://alice:/Kx9Sec@db/app", "postgresql://alice:12/Kx9Sec@db/app")) {
            assertThatThrownBy(() -> ConnConfig.parse(dsn, EnvironmentSource.of(Map.of("HOME", "/nonexistent-home"))))
                    .as(dsn).isInstanceOf(PgConfigException.class)
                    .hasMessage(UriParser.SLASH_IN_PASSWORD)
                    .hasMessageNotContaining("Kx9Sec").hasMessageNotContaining("12")
                    .satisfies(e -> assertThat(((PgConfigException) e).value()).isEmpty());
        }
        // without an '@' after it the port is quoted as before, and without a port a database may hold '@' (as in libpq)
        assertThatThrownBy(() -> ConnConfig.parse("postgresql://db:abc/app", EnvironmentSource.of(Map.of("HOME", "/nonexistent-home"))))
                .hasMessageContaining("invalid port value: \"abc\"");
        assertThat(ConnConfig.parse("postgresql://db/app@x", EnvironmentSource.of(Map.of("HOME", "/nonexistent-home"))).database())
                .isEqualTo("app@x");
        assertThat(ConnConfig.parse("postgresql://db:5432/app%40x", EnvironmentSource.of(Map.of("HOME", "/nonexistent-home"))).database())
                .isEqualTo("app@x");
    }

    private static String outcome(String dsn) {
        try {
            ConnConfig.parse(dsn, EnvironmentSource.of(Map.of("HOME", "/nonexistent-home")));
            return "parsed";
        } catch (PgConfigException e) {
            return "refused";
        } catch (RuntimeException e) {
            return "other: " + e.getClass().getSimpleName();
        }
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, List<String>>> mutated() {
        return Arbitraries.of(BASES).flatMap(base -> Arbitraries.longs().map(seed -> mutate(base, new Random(seed))));
    }

    private static Tuple.Tuple2<String, List<String>> mutate(String base, Random random) {
        String s = base;
        List<String> applied = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(6);
            int at = freePosition(s, random);
            switch (kind) {
                case 0 -> {
                    s = random.nextBoolean() ? s.toUpperCase(Locale.ROOT).replace(PASSWORD.toUpperCase(Locale.ROOT), PASSWORD)
                            : s.replaceFirst("^postgres(ql)?://", "POSTGRESQL://");
                    applied.add("upper-case");
                }
                case 1, 2 -> {
                    String token = STRAY.get(random.nextInt(STRAY.size()));
                    s = s.substring(0, at) + token + s.substring(at);
                    applied.add("insert " + token + " at " + at);
                }
                case 3 -> {
                    int space = s.indexOf(' ', at);
                    if (space >= 0 && !insideSecret(s, space)) {
                        s = s.substring(0, space) + s.substring(space + 1);
                        applied.add("drop space at " + space);
                    }
                }
                case 4 -> {
                    int quote = s.indexOf('\'', at);
                    if (quote >= 0) {
                        s = s.substring(0, quote) + s.substring(quote + 1);
                        applied.add("drop quote at " + quote);
                    }
                }
                default -> {
                    if (at < s.length() && !insideSecret(s, at) && !insideLabel(s, at)) {
                        applied.add("drop " + s.charAt(at) + " at " + at);
                        s = s.substring(0, at) + s.substring(at + 1);
                    }
                }
            }
        }
        return Tuple.of(s, applied);
    }

    /**
     * A position outside the password and inside no label of it: a mutation inside the password only
     * makes it another string, and one inside "password=" leaves nothing that says a password follows.
     */
    private static int freePosition(String s, Random random) {
        for (int tries = 0; tries < 20; tries++) {
            int at = random.nextInt(s.length() + 1);
            if (!insideSecret(s, at) && !insideLabel(s, at)) {
                return at;
            }
        }
        return 0;
    }

    private static boolean insideSecret(String s, int at) {
        int start = s.indexOf(PASSWORD);
        return start >= 0 && at > start && at < start + PASSWORD.length();
    }

    /** Within the text that labels the password ("password=", ":" + pw + "@"): the label is what a masker can recognise. */
    private static boolean insideLabel(String s, int at) {
        int start = s.indexOf(PASSWORD);
        if (start < 0) {
            return false;
        }
        int labelStart = Math.max(0, start - "sslpassword='".length());
        return at > labelStart && at <= start + PASSWORD.length();
    }
}
