package io.pgconn.internal;

import io.pgconn.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The line a factory logs about its event loops (NEW-USER-33 F4: NIO on Linux went unsaid). */
class TransportReportTest {

    @Test
    void nioOnLinuxSaysWhichArtifactGivesEpollAndWhatItCosts() {
        assertThat(TransportReport.line("orders", Transport.NIO, 2, false, "Linux"))
                .startsWith("pgconn factory orders: 2 event loop threads on the nio transport (")
                .contains("io.netty:netty-transport-native-epoll").contains("linux-x86_64")
                .contains("started on the caller's thread").contains("--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void aNativeTransportOrNioElsewhereIsOnlyNamed() {
        assertThat(TransportReport.line("pgconn", Transport.EPOLL, 1, true, "Linux"))
                .isEqualTo("pgconn factory pgconn: 1 caller-run event loop thread on the epoll transport");
        assertThat(TransportReport.line("pgconn", Transport.NIO, 4, false, "Mac OS X"))
                .isEqualTo("pgconn factory pgconn: 4 event loop threads on the nio transport");
        assertThat(TransportReport.line(null, Transport.EPOLL, 2, false, "Linux"))
                .as("an unnamed factory (the sample app's log read 'pgconn factory null')")
                .isEqualTo("pgconn factory: 2 event loop threads on the epoll transport");
    }
}
