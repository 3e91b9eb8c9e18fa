package io.pgconn.internal.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SaslPrepTest {

    /** input and expected output as Java escapes, decoded below (CSV cannot carry them). */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "pencil                  | pencil             | ASCII unchanged",
            "a\\u0007b               | a\\u0007b          | ASCII is never checked (PostgreSQL shortcut)",
            "I\\u00ADX               | IX                 | soft hyphen maps to nothing (RFC 4013 example)",
            "a\\u00A0b               | a b                | non-ASCII space maps to space",
            "\\u2168                 | IX                 | NFKC: roman numeral nine",
            "\\u00AA                 | a                  | NFKC: feminine ordinal",
            "p\\u00E4ss              | p\\u00E4ss         | composed stays composed",
            "pa\\u0308ss             | p\\u00E4ss         | decomposed is composed",
            "\\u00E4\\u0007          | \\u00E4\\u0007     | prohibited control: raw bytes",
            "\\u0627\\u0031          | \\u0627\\u0031     | bidi violation: raw bytes",
            "a\\u0221b\\u00A0        | a\\u0221b\\u00A0   | unassigned code point: raw bytes, as PostgreSQL",
            "\\u00AD                 | \\u00AD            | maps to empty: raw bytes"})
    void normalizesAsPostgresDoes(String input, String expected, String why) {
        assertThat(SaslPrep.normalize(unescape(input))).isEqualTo(unescape(expected).getBytes(StandardCharsets.UTF_8));
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\u", i)) {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }
}
