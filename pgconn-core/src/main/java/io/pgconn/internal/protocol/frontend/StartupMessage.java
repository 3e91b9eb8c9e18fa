package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgConfigException;
import io.pgconn.ProtocolVersion;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * StartupMessage: the requested protocol version and the session parameters ({@code user},
 * {@code database}, {@code application_name}, ...), sent in insertion order.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-STARTUPMESSAGE">StartupMessage</a>
 */
public record StartupMessage(ProtocolVersion version, Map<String, String> parameters) implements FrontendMessage {

    /**
     * @throws PgConfigException for an empty name or a NUL in a name or value; the message names
     *                           the parameter but never shows a value
     */
    public StartupMessage {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(parameters, "parameters");
        Map<String, String> copy = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (name == null || name.isEmpty()) {
                throw new PgConfigException(null, "startup parameter name must not be empty");
            }
            String quoted = "\"" + name.replace("\0", "\\0") + "\"";
            if (name.indexOf('\0') >= 0) {
                throw new PgConfigException(null, "startup parameter name " + quoted + " contains a NUL character");
            }
            Writes.requireNoNul(value, "value of startup parameter " + quoted);
            copy.put(name, value);
        });
        parameters = Collections.unmodifiableMap(copy);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.beginUntyped(out);
        out.writeInt(version.code());
        parameters.forEach((name, value) -> {
            Writes.cString(out, name);
            Writes.cString(out, value);
        });
        out.writeByte(0); // an empty name ends the list
        Writes.end(out, lengthIndex);
    }

    /** Values are shown except a {@code password}, should anyone ever put one here. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StartupMessage[version=").append(version).append(", parameters={");
        String separator = "";
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            boolean secret = e.getKey().equalsIgnoreCase("password");
            sb.append(separator).append(e.getKey()).append('=').append(secret ? "***" : e.getValue());
            separator = ", ";
        }
        return sb.append("}]").toString();
    }
}
