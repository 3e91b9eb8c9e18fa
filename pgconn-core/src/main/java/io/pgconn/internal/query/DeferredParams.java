package io.pgconn.internal.query;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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

    /** The caller's values as held at the call ({@link #heldCopy}); each set dropped once encoded. */
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
            copy[i] = set[i] instanceof Object[] elements ? heldGraph(elements) : heldLeaf(set[i]);
        }
        return copy;
    }

    /**
     * An array of values copied with every array of values inside it, as a graph: one copy per array, so an array that
     * contains itself (or one met twice) is held as the caller made it, without recursion (REVIEW-12 L6: it recursed to
     * a StackOverflowError with no message). Its encoding then fails as on the caller's thread, naming the parameter
     * ("multi-dimensional array parameters are not supported", "cannot write a [Ljava.lang.Object; element").
     */
    private static Object[] heldGraph(Object[] array) {
        Map<Object[], Object[]> copies = new IdentityHashMap<>();
        ArrayDeque<Object[]> unfilled = new ArrayDeque<>();
        Object[] held = copyOnce(array, copies, unfilled);
        Object[] copy;
        while ((copy = unfilled.poll()) != null) {
            for (int i = 0; i < copy.length; i++) { // its elements are still the caller's
                copy[i] = copy[i] instanceof Object[] elements ? copyOnce(elements, copies, unfilled) : heldLeaf(copy[i]);
            }
        }
        return held;
    }

    /** The copy of {@code array}: made now (the same component type: the codec is chosen by it), unless made already. */
    private static Object[] copyOnce(Object[] array, Map<Object[], Object[]> copies, ArrayDeque<Object[]> unfilled) {
        Object[] copy = copies.get(array);
        if (copy == null) {
            copy = array.clone();
            copies.put(array, copy);
            unfilled.add(copy);
        }
        return copy;
    }

    /**
     * A value that is not an array of values, held as it is now. A ByteBuffer's remaining bytes are copied to the
     * heap, also from a direct buffer: until the statement is written, as many bytes as its encoding on the caller's
     * thread would have made (a byte[]); dropped once encoded ({@link #encode}).
     */
    private static Object heldLeaf(Object value) {
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
        Arrays.fill(raw, null); // the held values go once encoded: the encoded bytes are what a retry sends
    }
}
