package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgConfigException;

import java.util.Arrays;
import java.util.Objects;

/**
 * PasswordMessage: a cleartext password or an MD5 hash ({@code md5...}), as bytes so the caller
 * can zero them after the write. The array is not copied; {@code toString} shows nothing of it.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PASSWORDMESSAGE">PasswordMessage</a>
 */
public record PasswordMessage(byte[] password) implements FrontendMessage {

    /** @throws PgConfigException if the password contains a NUL byte, which the server would refuse */
    public PasswordMessage {
        Objects.requireNonNull(password, "password");
        for (byte b : password) {
            if (b == 0) {
                throw new PgConfigException(null, "password contains a NUL byte");
            }
        }
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'p');
        out.writeBytes(password).writeByte(0);
        Writes.end(out, lengthIndex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordMessage other && Arrays.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(password);
    }

    @Override
    public String toString() {
        return "PasswordMessage[***]";
    }
}
