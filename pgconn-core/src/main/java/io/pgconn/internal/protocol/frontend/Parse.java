package io.pgconn.internal.protocol.frontend;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Parse: creates a prepared statement ({@code ""} is the unnamed one) from SQL with {@code $n}
 * placeholders. A parameter type OID of 0 lets the server infer the type. The array is not copied.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARSE">Parse</a>
 */
public record Parse(String statement, String sql, int[] parameterTypes) implements FrontendMessage {

    /** @throws io.pgconn.PgConfigException if the name or SQL contains NUL, or there are over 65535 parameters */
    public Parse {
        Writes.requireNoNul(statement, "statement name");
        Writes.requireNoNul(sql, "query text");
        Writes.requireCount(parameterTypes.length, "parameter types");
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Writes.begin(out, 'P');
        Writes.cString(out, statement);
        Writes.cString(out, sql);
        out.writeShort(parameterTypes.length);
        for (int oid : parameterTypes) {
            out.writeInt(oid);
        }
        Writes.end(out, lengthIndex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parse p && statement.equals(p.statement) && sql.equals(p.sql)
                && Arrays.equals(parameterTypes, p.parameterTypes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * statement.hashCode() + sql.hashCode()) + Arrays.hashCode(parameterTypes);
    }

    @Override
    public String toString() {
        return "Parse[statement=" + statement + ", parameterTypes=" + Arrays.toString(parameterTypes) + "]";
    }
}
