package io.pgconn.internal.connect;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.PgConnectException;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** requirepeer's error when the peer's user cannot be read says why, also for an exception without a message. */
class RequirePeerMessageTest {

    private static final HostSpec SOCKET = HostSpec.of("/run/postgresql", 5432);

    @Test
    void aPeerThatHungUpBeforeItsUserWasReadIsSaidSoNotNull() {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            assertThatThrownBy(() -> RequirePeer.check("postgres", SOCKET, channel, c -> {
                throw new ClosedChannelException();
            })).isInstanceOf(PgConnectException.class)
                    .hasMessage("connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed: requirepeer specifies"
                            + " \"postgres\", but the peer's user could not be found: the server closed the connection before"
                            + " its user could be read");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void anExceptionWithoutAMessageIsNamedByItsClass() {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            assertThatThrownBy(() -> RequirePeer.check("postgres", SOCKET, channel, c -> {
                throw new IOException();
            })).isInstanceOf(PgConnectException.class).hasMessageEndingWith("could not be found: IOException");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * A socket error reading the peer's credentials is said in pgconn's words, the socket's exception suppressed, not
     * the cause (lifecycle.md §1.3): "Connection reset by peer" ending the cause chain is what Spring MVC reads as its
     * own HTTP client going away.
     */
    @Test
    void aSocketErrorIsSaidInWordsNoHttpServerTakesForItsOwnClientGoingAway() {
        EmbeddedChannel channel = new EmbeddedChannel();
        IOException reset = new IOException("Connection reset by peer");
        try {
            assertThatThrownBy(() -> RequirePeer.check("postgres", SOCKET, channel, c -> {
                throw reset;
            })).isInstanceOf(PgConnectException.class).hasNoCause()
                    .hasMessageEndingWith("could not be found: the server reset the connection (ECONNRESET)")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getSuppressed()).containsExactly(reset));
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
