package io.pgconn.internal.session;

import io.pgconn.PgProtocolException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's names for UTF-8, case and punctuation ignored, keep a session; any other encoding ends it. */
class ClientEncodingCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"UTF8", "utf8", "UTF-8", "utf_8", "Unicode", "UNICODE", "u.t.f.8"})
    void theNamesOfUtf8AreUtf8(String name) {
        assertThat(ClientEncodingCheck.isUtf8(name)).isTrue();
        ClientEncodingCheck.requireUtf8("db:5432", "client_encoding", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"LATIN1", "SQL_ASCII", "UTF16", "utf 80", "", "ÜTF8"})
    void otherEncodingsAreNot(String name) {
        assertThat(ClientEncodingCheck.isUtf8(name)).isFalse();
        assertThatThrownBy(() -> ClientEncodingCheck.requireUtf8("db:5432", "client_encoding", name))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("db:5432").hasMessageContaining("UTF8 only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-8", "a-b_c d.9", "", "%%"})
    void lettersAndDigitsDropsWhatTheRegexDropped(String name) {
        assertThat(ClientEncodingCheck.lettersAndDigits(name)).isEqualTo(name.replaceAll("[^A-Za-z0-9]", ""));
    }
}
