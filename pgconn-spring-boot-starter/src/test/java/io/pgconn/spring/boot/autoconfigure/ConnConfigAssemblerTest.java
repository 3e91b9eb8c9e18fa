package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which property a core configuration error is about: read from its keyword, never from its message. */
class ConnConfigAssemblerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            sslmode                  | pg.conn.ssl.mode
            channel_binding          | pg.conn.channel-binding
            extensionTypes           | pg.conn.extension-types
            startupParameters        | pg.conn.startup-parameters
            port                     | pg.conn.hosts
            ssl_min_protocol_version | pg.conn.url
            null                     | pg.conn
            """)
    void namesThePropertyBehindTheKeyword(String keyword, String property) {
        // a message naming another setting must not mislead
        PgConfigException e = new PgConfigException(null, keyword, "x", "sslmode and channel_binding disagree");
        assertThat(ConnConfigAssembler.propertyFor(e)).isEqualTo(property);
    }
}
