package io.pgconn.internal.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parameter sets a statement did not encode on the caller's thread because the session's type OIDs
 * were stale (type DDL ran through the factory; docs/codecs.md, "Types created while the application
 * runs"): a value's type may have a new OID, or a codec only once the type is bound. They are encoded
 * when the exchange is written, which is after the session's type lookup queued in front of it was
 * answered and its codecs were bound to the new OIDs. A value that has no codec then fails the
 * statement, unwritten, with the error the caller's thread would have thrown. Encoded once, on the
 * event loop; the values are held as they were at the call ({@code heldCopy}).
 */
final class DeferredParams {

    private final Object[][] raw;
    private final int count;
    /** The plan's parameter types, filled by the encoding. */
    private final int[] typeOids;
    private List<BoundParams> encoded;

    DeferredParams(List<Object[]> sets, int count, int[] typeOids) {
        this.raw = new Object[sets.size()][];
        for (int s = 0; s < raw.length; s++) {
            raw[s] = heldCopy(sets.get(s));
        }
        this.count = count;
        this.typeOids = typeOids;
    }

    /**
     * What the caller passed, as it is now: the statement's values were read during the call before the types went
     * stale, and a caller may reuse its buffer once the call returned (REVIEW-11: a byte[] changed after the call was
     * sent as changed). Arrays (byte[], primitive ones, and arrays of values, element by element) are copied, and a
     * ByteBuffer's remaining bytes; other values are held as they are — immutable ones (String, numbers, enums,
     * java.time, records of them) need nothing, and a mutable List, Map or object of one's own must stay unchanged
     * until the statement's future completes (docs/codecs.md, "Types created while the application runs").
     */
    private static Object[] heldCopy(Object[] set) {
        Object[] copy = new Object[set.length];
        for (int i = 0; i < set.length; i++) {
            copy[i] = heldCopy(set[i]);
        }
        return copy;
    }

    private static Object heldCopy(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            java.nio.ByteBuffer remaining = buffer.duplicate();
            java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(remaining.remaining()).order(buffer.order());
            copy.put(remaining).flip();
            return buffer.isReadOnly() ? copy.asReadOnlyBuffer() : copy;
        }
        if (!value.getClass().isArray()) {
            return value;
        }
        if (value instanceof Object[] elements) {
            Object[] copy = elements.clone(); // the same component type: the codec is chosen by it
            for (int i = 0; i < copy.length; i++) {
                copy[i] = heldCopy(copy[i]);
            }
            return copy;
        }
        int length = java.lang.reflect.Array.getLength(value);
        Object copy = java.lang.reflect.Array.newInstance(value.getClass().getComponentType(), length);
        System.arraycopy(value, 0, copy, 0, length);
        return copy;
    }

    int setCount() {
        return raw.length;
    }

    /** The encoded sets; empty before {@link #encode}. */
    List<BoundParams> sets() {
        return encoded == null ? List.of() : encoded;
    }

    /** Encodes every set with the session's codecs now (the first set's values fix the types, as on the caller's thread). */
    void encode(QuerySession session) {
        if (encoded != null) {
            return;
        }
        Arrays.fill(typeOids, 0);
        List<BoundParams> sets = new ArrayList<>(raw.length);
        for (Object[] set : raw) {
            sets.add(DefaultPgStatement.encode(session.host(), session.codecs(), set, count, typeOids));
        }
        encoded = List.copyOf(sets);
    }
}
