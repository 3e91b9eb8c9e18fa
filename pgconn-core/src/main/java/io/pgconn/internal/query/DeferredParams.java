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
 * event loop.
 */
final class DeferredParams {

    private final Object[][] raw;
    private final int count;
    /** The plan's parameter types, filled by the encoding. */
    private final int[] typeOids;
    private List<BoundParams> encoded;

    DeferredParams(List<Object[]> sets, int count, int[] typeOids) {
        this.raw = sets.toArray(Object[][]::new);
        this.count = count;
        this.typeOids = typeOids;
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
