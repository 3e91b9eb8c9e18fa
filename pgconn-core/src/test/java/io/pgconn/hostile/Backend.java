package io.pgconn.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Bytes of backend messages, well-formed or not, for scripts. */
public final class Backend {

    private Backend() {
    }

    /** A message with type byte and body; the length is computed. */
    public static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    /** A header with an arbitrary (possibly lying) length and the given body bytes. */
    public static byte[] rawMessage(char type, int declaredLength, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(declaredLength).put(body).array();
    }

    public static byte[] authentication(int code, byte[] extra) {
        return message('R', ByteBuffer.allocate(4 + extra.length).putInt(code).put(extra).array());
    }

    public static byte[] authenticationOk() {
        return authentication(0, new byte[0]);
    }

    public static byte[] authenticationCleartext() {
        return authentication(3, new byte[0]);
    }

    public static byte[] authenticationMd5(byte[] salt) {
        return authentication(5, salt);
    }

    public static byte[] authenticationSasl(String... mechanisms) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String m : mechanisms) {
            body.writeBytes(cstring(m));
        }
        body.write(0);
        return authentication(10, body.toByteArray());
    }

    public static byte[] saslContinue(String data) {
        return authentication(11, data.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] saslFinal(String data) {
        return authentication(12, data.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] parameterStatus(String name, String value) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(cstring(name));
        body.writeBytes(cstring(value));
        return message('S', body.toByteArray());
    }

    public static byte[] backendKeyData(int pid, byte[] key) {
        return message('K', ByteBuffer.allocate(4 + key.length).putInt(pid).put(key).array());
    }

    public static byte[] readyForQuery() {
        return message('Z', new byte[]{'I'});
    }

    /** NegotiateProtocolVersion as PostgreSQL sends it: the newest version as a whole code (3 << 16 | minor). */
    public static byte[] negotiateProtocolVersion(int minor, String... options) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(8).putInt(3 << 16 | minor).putInt(options.length).array());
        for (String o : options) {
            body.writeBytes(cstring(o));
        }
        return message('v', body.toByteArray());
    }

    public static byte[] errorResponse(String sqlState, String text) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('S');
        body.writeBytes(cstring("FATAL"));
        body.write('V');
        body.writeBytes(cstring("FATAL"));
        body.write('C');
        body.writeBytes(cstring(sqlState));
        body.write('M');
        body.writeBytes(cstring(text));
        body.write(0);
        return message('E', body.toByteArray());
    }

    /** An ErrorResponse of severity ERROR without the non-localized 'V' field, as a pooler (pgbouncer) sends its own errors. */
    public static byte[] poolerError(String sqlState, String text) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write('S');
        body.writeBytes(cstring("ERROR"));
        body.write('C');
        body.writeBytes(cstring(sqlState));
        body.write('M');
        body.writeBytes(cstring(text));
        body.write(0);
        return message('E', body.toByteArray());
    }

    /** AuthenticationOk, the usual parameters, a cancel key and ReadyForQuery: a trust login. */
    public static byte[] trustLogin() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(authenticationOk());
        all.writeBytes(parameterStatus("server_version", "18.0"));
        all.writeBytes(parameterStatus("in_hot_standby", "off"));
        all.writeBytes(parameterStatus("default_transaction_read_only", "off"));
        all.writeBytes(backendKeyData(4242, new byte[]{1, 2, 3, 4}));
        all.writeBytes(readyForQuery());
        return all.toByteArray();
    }

    /** AuthenticationOk, a cancel key and ReadyForQuery, without in_hot_standby or default_transaction_read_only (a pre-14 server, a pooler). */
    public static byte[] loginWithoutRoleParameters() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(authenticationOk());
        all.writeBytes(parameterStatus("server_version", "13.0"));
        all.writeBytes(backendKeyData(4242, new byte[]{1, 2, 3, 4}));
        all.writeBytes(readyForQuery());
        return all.toByteArray();
    }

    /** The answer to a simple query of one text row: RowDescription, DataRow, CommandComplete, ReadyForQuery. */
    public static byte[] oneRow(String[] columns, String[] values) {
        ByteArrayOutputStream description = new ByteArrayOutputStream();
        description.writeBytes(ByteBuffer.allocate(2).putShort((short) columns.length).array());
        for (String column : columns) {
            description.writeBytes(cstring(column));
            // table oid, column number, type oid (text), type size, type modifier, format (text)
            description.writeBytes(ByteBuffer.allocate(18).putInt(0).putShort((short) 0).putInt(25).putShort((short) -1)
                    .putInt(-1).putShort((short) 0).array());
        }
        ByteArrayOutputStream row = new ByteArrayOutputStream();
        row.writeBytes(ByteBuffer.allocate(2).putShort((short) values.length).array());
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            row.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            row.writeBytes(bytes);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(message('T', description.toByteArray()));
        all.writeBytes(message('D', row.toByteArray()));
        all.writeBytes(message('C', cstring("SELECT 1")));
        all.writeBytes(readyForQuery());
        return all.toByteArray();
    }

    public static byte[] cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }
}
