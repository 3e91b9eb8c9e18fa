package io.pgconn.internal.protocol.backend;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * AuthenticationSASL: the SASL mechanisms the server offers, in its order of preference.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONSASL">AuthenticationSASL</a>
 */
public record AuthenticationSasl(List<String> mechanisms) implements AuthenticationRequest {

    public AuthenticationSasl {
        mechanisms = List.copyOf(mechanisms);
    }

    /** A list of C strings ended by an empty one; a body that ends first is malformed. */
    static AuthenticationSasl decode(ByteBuf body, String host) {
        List<String> mechanisms = new ArrayList<>();
        while (true) {
            String mechanism = Bodies.cString(body, host, "AuthenticationSASL", "mechanism list");
            if (mechanism.isEmpty()) {
                return new AuthenticationSasl(mechanisms);
            }
            mechanisms.add(mechanism);
        }
    }
}
