package io.pgconn.internal.session;

import io.pgconn.AuthMethod;
import io.pgconn.config.HostSpec;
import io.pgconn.ProtocolVersion;
import io.pgconn.internal.tls.TlsOutcome;

import java.net.SocketAddress;

/** What is fixed about a session once its handshake is over. */
public record SessionFacts(HostSpec hostSpec, SocketAddress remoteAddress, TlsOutcome.Encrypted tls,
                           int processId, byte[] secretKey, ProtocolVersion protocolVersion, AuthMethod authMethod) {

    @Override
    public String toString() {
        return "SessionFacts[" + hostSpec.label() + ", pid=" + processId + ", tls=" + (tls != null) + "]";
    }
}
