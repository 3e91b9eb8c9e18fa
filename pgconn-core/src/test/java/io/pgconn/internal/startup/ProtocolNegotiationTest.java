package io.pgconn.internal.startup;

import io.pgconn.PgProtocolException;
import io.pgconn.ProtocolVersion;
import io.pgconn.internal.protocol.backend.NegotiateProtocolVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NegotiateProtocolVersion rules (libpq 18) and the cancel-key length per protocol version. */
class ProtocolNegotiationTest {

    private static final String HOST = "db1:5432";

    /** The version code PostgreSQL sends: major 3 in the high half, the minor in the low half. */
    private static int v(int minor) {
        return 3 << 16 | minor;
    }

    @Test
    void acceptsALowerMinorAtOrAboveTheMinimum() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_0);
        n.accept(new NegotiateProtocolVersion(v(0), List.of()));
        assertThat(n.current()).isEqualTo(ProtocolVersion.V3_0);
        n.checkCancelKeyLength(4);
        assertThatThrownBy(() -> n.checkCancelKeyLength(32)).isInstanceOf(PgProtocolException.class)
                .hasMessageContaining("32 bytes").hasMessageContaining(HOST);
    }

    @Test
    void refusesASecondNegotiation() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_0);
        n.accept(new NegotiateProtocolVersion(v(0), List.of()));
        assertThatThrownBy(() -> n.accept(new NegotiateProtocolVersion(v(0), List.of())))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("twice");
    }

    @Test
    void refusesAVersionNotBelowTheRequest() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_0);
        assertThatThrownBy(() -> n.accept(new NegotiateProtocolVersion(v(3), List.of())))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("3.3").hasMessageContaining(HOST);
    }

    @Test
    void refuses31() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_0);
        assertThatThrownBy(() -> n.accept(new NegotiateProtocolVersion(v(1), List.of())))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("3.1");
    }

    @Test
    void refusesBelowTheMinimum() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_2);
        assertThatThrownBy(() -> n.accept(new NegotiateProtocolVersion(v(0), List.of())))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("min_protocol_version=3.2");
    }

    @Test
    void refusesAnotherMajorVersion() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_0);
        assertThatThrownBy(() -> n.accept(new NegotiateProtocolVersion(2 << 16, List.of())))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("major version 3");
    }

    @Test
    void refusesOptionsWeNeverRequested() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_0);
        assertThatThrownBy(() -> n.accept(new NegotiateProtocolVersion(v(0), List.of("_pq_.compression"))))
                .isInstanceOf(PgProtocolException.class).hasMessageContaining("_pq_.compression");
    }

    @Test
    void protocol32AllowsLongCancelKeys() {
        ProtocolNegotiation n = new ProtocolNegotiation(HOST, ProtocolVersion.V3_2, ProtocolVersion.V3_0);
        n.checkCancelKeyLength(4);
        n.checkCancelKeyLength(256);
        assertThatThrownBy(() -> n.checkCancelKeyLength(3)).isInstanceOf(PgProtocolException.class);
        assertThatThrownBy(() -> n.checkCancelKeyLength(257)).isInstanceOf(PgProtocolException.class);
    }
}
