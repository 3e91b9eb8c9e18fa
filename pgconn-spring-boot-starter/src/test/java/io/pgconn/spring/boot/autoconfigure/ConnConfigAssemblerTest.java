package io.pgconn.spring.boot.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ConnConfigAssemblerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            weak sslmode "prefer" may not be used with sslnegotiation=direct | pg.conn.ssl.mode
            channel_binding=require cannot be used with sslmode=disable      | pg.conn.channel-binding
            invalid extensionTypes entry: "1x"                               | pg.conn.extension-types
            invalid startupParameters name: "user"                           | pg.conn.startup-parameters
            something else entirely                                          | pg.conn
            """)
    void namesThePropertyBehindTheFirstKeyword(String message, String property) {
        assertThat(ConnConfigAssembler.propertyNamedIn(message)).isEqualTo(property);
    }
}
