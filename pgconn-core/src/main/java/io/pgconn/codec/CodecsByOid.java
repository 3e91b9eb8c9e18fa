package io.pgconn.codec;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The codecs of each type OID, in the order they are asked (the first that reads or writes a value wins).
 * OIDs below {@value #DIRECT_OIDS} index an array — every built-in type's OID is far below it: the hot
 * path's lookups are an array read — and the others (extension types, OIDs past 2³¹ too) a map. Immutable.
 */
final class CodecsByOid {

    /** OIDs below this are looked up in an array. */
    static final int DIRECT_OIDS = 10_000;

    static final Codec<?>[] NONE = new Codec<?>[0];

    private final Codec<?>[][] direct;
    private final Map<Integer, Codec<?>[]> high;

    private CodecsByOid(Codec<?>[][] direct, Map<Integer, Codec<?>[]> high) {
        this.direct = direct;
        this.high = high;
    }

    /** The table of {@code byOid}: each OID's codecs in the order given. */
    static CodecsByOid of(Map<Integer, List<Codec<?>>> byOid) {
        Codec<?>[][] direct = new Codec<?>[DIRECT_OIDS][];
        Map<Integer, Codec<?>[]> high = new HashMap<>();
        byOid.forEach((oid, codecs) -> {
            if (isDirect(oid)) {
                direct[oid] = codecs.toArray(NONE);
            } else {
                high.put(oid, codecs.toArray(NONE));
            }
        });
        return new CodecsByOid(direct, Map.copyOf(high));
    }

    /** The codecs of {@code oid}, in order; none (an empty array) for a type without a codec. */
    Codec<?>[] get(int oid) {
        Codec<?>[] codecs = isDirect(oid) ? direct[oid] : high.get(oid);
        return codecs == null ? NONE : codecs;
    }

    /** A copy where each OID's {@code added} codecs come first, ahead of the ones it had; this one is unchanged. */
    CodecsByOid withFirst(Map<Integer, List<Codec<?>>> added) {
        Codec<?>[][] newDirect = direct;
        Map<Integer, Codec<?>[]> newHigh = new HashMap<>(high);
        for (Map.Entry<Integer, List<Codec<?>>> e : added.entrySet()) {
            int oid = e.getKey();
            Codec<?>[] codecs = concat(e.getValue(), get(oid));
            if (isDirect(oid)) {
                if (newDirect == direct) {
                    newDirect = direct.clone();
                }
                newDirect[oid] = codecs;
            } else {
                newHigh.put(oid, codecs);
            }
        }
        return new CodecsByOid(newDirect, Map.copyOf(newHigh));
    }

    private static Codec<?>[] concat(List<Codec<?>> first, Codec<?>[] then) {
        Codec<?>[] all = Arrays.copyOf(first.toArray(NONE), first.size() + then.length);
        System.arraycopy(then, 0, all, first.size(), then.length);
        return all;
    }

    private static boolean isDirect(int oid) {
        return oid >= 0 && oid < DIRECT_OIDS;
    }
}
