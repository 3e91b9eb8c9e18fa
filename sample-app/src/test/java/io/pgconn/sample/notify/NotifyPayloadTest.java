package io.pgconn.sample.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NotifyPayloadTest {

    @Test
    void quotesAreDoubledAndBackslashesKeptAsIs() {
        assertThat(NotifyPayload.notifySql("pgconn_sample", "it's a \\ test"))
                .isEqualTo("SELECT pg_notify('pgconn_sample', 'it''s a \\ test')");
    }

    @Test
    void anInjectionAttemptStaysInsideTheLiteral() {
        assertThat(NotifyPayload.notifySql("c", "x'); DROP TABLE t; --"))
                .isEqualTo("SELECT pg_notify('c', 'x''); DROP TABLE t; --')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t\n"})
    void blankMessagesAreRefused(String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> NotifyPayload.notifySql("c", message))
                .withMessageContaining("blank");
    }

    @Test
    void missingMessageIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> NotifyPayload.notifySql("c", null))
                .withMessageContaining("missing");
    }

    @Test
    void nulCharacterIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> NotifyPayload.notifySql("c", "a\0b"))
                .withMessageContaining("NUL");
    }

    @Test
    void payloadLimitCountsUtf8Bytes() {
        String fits = "x".repeat(NotifyPayload.MAX_BYTES);
        assertThat(NotifyPayload.notifySql("c", fits)).contains(fits);
        // 4000 two-byte characters: 4000 chars but 8000 bytes
        assertThatIllegalArgumentException().isThrownBy(() -> NotifyPayload.notifySql("c", "é".repeat(4000)))
                .withMessageContaining("8000 bytes")
                .withMessageContaining("at most 7999");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upper", "has space", "semi;colon", "quote'"})
    void channelMustBeAPlainIdentifier(String channel) {
        assertThatIllegalArgumentException().isThrownBy(() -> NotifyPayload.notifySql(channel, "m"))
                .withMessageContaining(channel);
    }
}
