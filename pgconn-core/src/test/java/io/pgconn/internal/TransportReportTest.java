package io.pgconn.internal;

import io.pgconn.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The line a factory logs about its event loops (NEW-USER-33 F4: NIO on Linux went unsaid). */
class TransportReportTest {

    @Test
    void nioOnLinuxSaysWhichArtifactGivesEpollAndWhatItCosts() {
        assertThat(TransportReport.line("orders", Transport.NIO, 2, false, "Linux", true, null))
                .startsWith("pgconn factory orders: 2 event loop threads on the nio transport (")
                .contains("io.netty:netty-transport-native-epoll").contains("linux-x86_64")
                .contains("started on the caller's thread").contains("--enable-native-access=ALL-UNNAMED");
    }

    /** REVIEW-34 R34-6: the epoll jar is there and its native library did not load — say why, not "add it". */
    @Test
    void epollPresentButNotLoadedSaysWhyInsteadOfAskingForTheJar() {
        assertThat(TransportReport.line("orders", Transport.NIO, 2, false, "Linux", true,
                "java.lang.UnsatisfiedLinkError: /tmp/libnetty_transport_native_epoll_x86_64.so: failed to map segment"))
                .startsWith("pgconn factory orders: 2 event loop threads on the nio transport (netty-transport-native-epoll is"
                        + " on the class path but did not load: java.lang.UnsatisfiedLinkError: /tmp/")
                .contains("without its classifier, linux-x86_64").doesNotContain("add io.netty");
    }

    /** REVIEW-34 R34-6: NIO the application chose is only named. */
    @Test
    void nioTheApplicationChoseIsOnlyNamed() {
        assertThat(TransportReport.line("orders", Transport.NIO, 2, false, "Linux", false, null))
                .isEqualTo("pgconn factory orders: 2 event loop threads on the nio transport");
    }

    @Test
    void aNativeTransportOrNioElsewhereIsOnlyNamed() {
        assertThat(TransportReport.line("pgconn", Transport.EPOLL, 1, true, "Linux", false, null))
                .isEqualTo("pgconn factory pgconn: 1 caller-run event loop thread on the epoll transport");
        assertThat(TransportReport.line("pgconn", Transport.NIO, 4, false, "Mac OS X", true, null))
                .isEqualTo("pgconn factory pgconn: 4 event loop threads on the nio transport");
        assertThat(TransportReport.line(null, Transport.EPOLL, 2, false, "Linux", false, null))
                .as("an unnamed factory (the sample app's log read 'pgconn factory null')")
                .isEqualTo("pgconn factory: 2 event loop threads on the epoll transport");
    }
}
