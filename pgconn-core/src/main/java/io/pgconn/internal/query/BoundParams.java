package io.pgconn.internal.query;

import java.util.Arrays;

/**
 * One parameter set, encoded when the statement is executed (on the caller's thread, so a value
 * that cannot be encoded fails the call, not the connection). {@code toString} shows the count and
 * type OIDs only: values may be secrets.
 */
public record BoundParams(int[] typeOids, short[] formats, byte[][] values) {

    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoundParams b && Arrays.equals(typeOids, b.typeOids) && Arrays.equals(formats, b.formats)
                && Arrays.deepEquals(values, b.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(typeOids);
    }

    @Override
    public String toString() {
        return "BoundParams[" + values.length + " parameters, typeOids=" + Arrays.toString(typeOids) + "]";
    }
}
