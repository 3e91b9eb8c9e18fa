package io.pgconn.internal.startup;

import io.pgconn.AuthMethod;
import io.pgconn.ProtocolVersion;

import java.util.Map;

/**
 * What the handshake of one host established: the live ParameterStatus map (kept current for the
 * whole session), the cancel key, the protocol version in use and the authentication method the
 * server asked for.
 */
public record StartupResult(Map<String, String> parameters, int processId, byte[] secretKey,
                            ProtocolVersion protocolVersion, AuthMethod authMethod) {

    @Override
    public String toString() {
        return "StartupResult[pid=" + processId + ", protocol=" + protocolVersion + ", auth=" + authMethod
                + ", parameters=" + parameters.size() + "]";
    }
}
