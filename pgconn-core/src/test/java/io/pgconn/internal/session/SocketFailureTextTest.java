package io.pgconn.internal.session;

import io.pgconn.PgClosedException;
import io.pgconn.internal.transport.SocketErrorText;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class SocketFailureTextTest {

    @Test
    void theSystemsClientDisconnectPhrasesAreSaidInPgconnsWords() {
        assertThat(SocketErrorText.inOwnWords("recvAddress(..) failed: Connection reset by peer"))
                .isEqualTo("recvAddress(..) failed: the server reset the connection (ECONNRESET)");
        assertThat(SocketErrorText.inOwnWords("writevAddresses(..) failed: Broken pipe"))
                .isEqualTo("writevAddresses(..) failed: the server closed the connection (EPIPE)");
        assertThat(SocketErrorText.inOwnWords("Connection timed out")).isEqualTo("Connection timed out");
        assertThat(SocketErrorText.inOwnWords(null)).isEqualTo("no message");
    }

    @Test
    void theSocketsExceptionIsSuppressedNotTheCause() {
        IOException reset = new IOException("Connection reset by peer");
        PgClosedException closed = SocketFailureText.closed("db1:5432", reset);
        assertThat(closed).hasNoCause().hasMessage("connection to db1:5432 failed: the server reset the connection (ECONNRESET)");
        assertThat(closed.getSuppressed()).containsExactly(reset);
        assertThat(closed.host()).isEqualTo("db1:5432");
    }

    @Test
    void aNativeTransportsErrorIsSaidWithoutItsClassAndCall() {
        IOException reset = new IOException("recvAddress(..) failed with error(-104): Connection reset by peer") {
        };
        PgClosedException closed = SocketFailureText.closed("db1:5432", reset);
        assertThat(closed).hasMessage("connection to db1:5432 failed: the server reset the connection (ECONNRESET)");
        assertThat(closed.getSuppressed()).containsExactly(reset);
    }
}
