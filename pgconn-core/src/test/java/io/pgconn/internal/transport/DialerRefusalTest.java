package io.pgconn.internal.transport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.pgconn.Transport;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-10 (observation on Dialer): a refusal on a native transport is told by its errno, not by the C library's
 * text, which a non-English locale translates ("Verbindungsaufbau abgelehnt"): before, such a refusal read "could
 * not connect". The messages are Netty's native format ("finishConnect(..) failed with error(-N): text"); the
 * machines this runs on have only the C locale, so the translated text is written here.
 */
class DialerRefusalTest {

    @Test
    void aNativeRefusalInAnotherLanguageIsARefusal() {
        Epoll.ensureAvailability(); // Errors' constants come from the native library
        ConnectException german = new ConnectException("finishConnect(..) failed with error(" + Errors.ERROR_ECONNREFUSED_NEGATIVE
                + "): Verbindungsaufbau abgelehnt: localhost/127.0.0.1:5432");

        assertThat(Dialer.refused(german, Transport.EPOLL)).isTrue();
        assertThat(Dialer.refused(german, Transport.IO_URING)).isTrue();
    }

    @Test
    void anotherErrnoIsNotARefusalWhateverItsText() {
        Epoll.ensureAvailability();
        ConnectException unreachable = new ConnectException("finishConnect(..) failed with error(" + Errors.ERROR_EHOSTUNREACH_NEGATIVE
                + "): No route to host (connection refused by a router?)");

        assertThat(Dialer.refused(unreachable, Transport.EPOLL)).isFalse();
    }

    /** Netty's copy of the JDK's exception says the text and the address, and keeps the JDK's own (the text alone) as its cause. */
    @Test
    void theJdksRefusalIsToldByThisJvmsTextAloneOrWithTheAddress() {
        String text = JdkRefusalText.learn();
        ConnectException jdks = new ConnectException(text);
        ConnectException nettys = new ConnectException(text + ": localhost/127.0.0.1:5432");
        nettys.initCause(jdks);

        assertThat(Dialer.refused(nettys, Transport.NIO)).isTrue();
        assertThat(Dialer.refused(jdks, Transport.NIO)).isTrue();
        assertThat(Dialer.refused(new ConnectException(text + " by the peer, some other day"), Transport.NIO)).isFalse();
    }

    @Test
    void theJdksRefusalHasNoNumberAndIsToldByItsText() {
        assertThat(Dialer.refused(new ConnectException("Connection refused: localhost/127.0.0.1:5432"), Transport.NIO)).isTrue();
        assertThat(Dialer.refused(new ConnectException("Connection timed out: localhost/127.0.0.1:5432"), Transport.NIO)).isFalse();
    }
}
