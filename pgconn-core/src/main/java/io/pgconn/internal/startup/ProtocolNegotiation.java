package io.pgconn.internal.startup;

import io.pgconn.PgProtocolException;
import io.pgconn.ProtocolVersion;
import io.pgconn.internal.protocol.backend.NegotiateProtocolVersion;

/**
 * Validates a NegotiateProtocolVersion reply (libpq 18 rules): at most one, only a lower minor
 * version than requested, never 3.1, never below the configured minimum, and no protocol options
 * (we request none).
 */
final class ProtocolNegotiation {

    private final String host;
    private final ProtocolVersion requested;
    private final ProtocolVersion minimum;
    private ProtocolVersion current;
    private boolean negotiated;

    ProtocolNegotiation(String host, ProtocolVersion requested, ProtocolVersion minimum) {
        this.host = host;
        this.requested = requested;
        this.minimum = minimum;
        this.current = requested;
    }

    ProtocolVersion current() {
        return current;
    }

    void accept(NegotiateProtocolVersion message) {
        if (negotiated) {
            throw new PgProtocolException(host, "server " + host + " sent NegotiateProtocolVersion twice");
        }
        negotiated = true;
        if (!message.unrecognizedOptions().isEmpty()) {
            throw new PgProtocolException(host, "server " + host + " reported unrecognized protocol options "
                    + message.unrecognizedOptions() + " that were never requested");
        }
        // the field carries a whole version code (3 << 16 | minor), as PostgreSQL sends and libpq reads it
        ProtocolVersion offered = ProtocolVersion.ofCode(message.newestVersionCode());
        if (offered.major() != requested.major()) {
            throw new PgProtocolException(host, "server " + host + " offered protocol " + offered
                    + " in NegotiateProtocolVersion; expected major version " + requested.major());
        }
        if (offered.compareTo(requested) >= 0) {
            throw new PgProtocolException(host, "server " + host + " offered protocol " + offered
                    + " in NegotiateProtocolVersion, but that is not below the requested " + requested);
        }
        if (offered.minor() == 1) {
            throw new PgProtocolException(host, "server " + host + " offered protocol 3.1, which no PostgreSQL release uses");
        }
        if (offered.compareTo(minimum) < 0) {
            throw new PgProtocolException(host, "server " + host + " supports protocol up to " + offered
                    + ", below min_protocol_version=" + minimum);
        }
        current = offered;
    }

    /** The cancel key length rule: exactly 4 bytes under 3.0, 4..256 under 3.2. */
    void checkCancelKeyLength(int length) {
        boolean ok = current.minor() >= 2 ? length >= 4 && length <= 256 : length == 4;
        if (!ok) {
            throw new PgProtocolException(host, "server " + host + " sent a cancel key of " + length
                    + " bytes, not valid under protocol " + current);
        }
    }
}
