package io.pgconn.codec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link CodecRegistry} is bound to the type OIDs a connection looked up ({@link CodecRegistry#bind}): the codecs
 * of named types at their OIDs, arrays of them at the OID under {@code name[]} ({@code pg_type.typarray}), and each
 * enum's array type (keys {@link #enumArrayKey}) read as its labels when no codec of the enum's own reads it. Apart
 * from the registry's lookups, which only see the result: a table of codecs by OID, the array codecs by element OID
 * and the names bound.
 */
final class NamedTypeBinding {

    /**
     * The prefix of the {@link CodecRegistry#bind} keys that name arrays of enums: {@code enumArrayKey(oid)}, the OID as
     * value. The connection's type lookup finds every enum's array type ({@code pg_type.typarray} of each
     * {@code typtype = 'e'}) in the same query as its {@code extensionTypes}.
     */
    private static final String ENUM_ARRAY_KEY = "enum[]#";

    /** The type name of an enum's array type read through its labels (messages, R2DBC's type name). */
    private static final String ENUM_ARRAY_NAME = "enum[]";

    /** The element codec of such arrays: each label as its text. */
    private static final Codec<?>[] LABELS = {TextFallbackCodec.INSTANCE};

    /** What a binding gives the bound registry. */
    record Bound(CodecsByOid byOid, Map<Integer, ElementArrayCodec> arraysByElementOid, Map<String, Integer> boundOids) {
    }

    private NamedTypeBinding() {
    }

    /** See {@link CodecRegistry#enumArrayKey(int)}. */
    static String enumArrayKey(int arrayOid) {
        return ENUM_ARRAY_KEY + Integer.toUnsignedString(arrayOid);
    }

    /**
     * The registry's pieces bound to {@code typeOids}, or {@code null} when there is nothing to bind and nothing was
     * bound before (the registry stays as it is).
     *
     * @param byOid              the registry's codecs by OID
     * @param arraysByElementOid its array codecs by element OID
     * @param boundOids          the names it has bound
     * @param named              its codecs of named types, latest first
     */
    static Bound bind(Map<String, Integer> typeOids, CodecsByOid byOid, Map<Integer, ElementArrayCodec> arraysByElementOid,
                      Map<String, Integer> boundOids, List<Codec<?>> named) {
        List<Integer> enumArrays = new ArrayList<>();
        for (Map.Entry<String, Integer> e : typeOids.entrySet()) {
            if (e.getKey().startsWith(ENUM_ARRAY_KEY) && e.getValue() != null && e.getValue() != 0) {
                enumArrays.add(e.getValue());
            }
        }
        Map<String, Integer> bound = new HashMap<>();
        Map<Integer, List<Codec<?>>> added = new LinkedHashMap<>();
        Map<String, List<Codec<?>>> boundByName = new LinkedHashMap<>();
        for (Codec<?> codec : named) {
            Integer oid = typeOids.get(codec.type().name());
            if (oid != null && oid != 0) {
                bound.put(codec.type().name(), oid);
                added.computeIfAbsent(oid, o -> new ArrayList<>()).add(codec);
                boundByName.computeIfAbsent(codec.type().name(), n -> new ArrayList<>()).add(codec);
            }
        }
        if (bound.isEmpty() && boundOids.isEmpty() && enumArrays.isEmpty()) {
            return null;
        }
        Map<Integer, ElementArrayCodec> arrays = new HashMap<>(arraysByElementOid);
        for (Map.Entry<String, List<Codec<?>>> e : boundByName.entrySet()) {
            Integer arrayOid = typeOids.get(e.getKey() + "[]");
            if (arrayOid != null && arrayOid != 0) {
                ElementArrayCodec array = namedArray(e.getKey(), bound.get(e.getKey()), arrayOid, e.getValue());
                arrays.put(array.elementOid(), array);
                added.computeIfAbsent(arrayOid, o -> new ArrayList<>()); // after any codec of the array OID itself
                added.get(arrayOid).add(array);
            }
        }
        // the named codecs come first: they are what the user configured for this type
        CodecsByOid table = byOid.withFirst(added);
        Map<Integer, List<Codec<?>>> labelArrays = new LinkedHashMap<>();
        for (int oid : enumArrays) {
            if (table.get(oid).length == 0) { // a codec of the enum's own (bound by name) reads its arrays instead
                labelArrays.put(oid, List.of(new TextArrayCodec(PgType.of(oid, ENUM_ARRAY_NAME), 0, LABELS)));
            }
        }
        return new Bound(labelArrays.isEmpty() ? table : table.withFirst(labelArrays), Map.copyOf(arrays), Map.copyOf(bound));
    }

    /**
     * The codec of a named type's array type ({@code typeOids} key {@code name[]}, its
     * {@code pg_type.typarray}): binary arrays ({@code array_send}) through the element's binary
     * codecs; where it has only text codecs (an enum, a domain or a composite read as text), text
     * arrays ({@code array_out}), since a binary array carries its elements in binary.
     */
    private static ElementArrayCodec namedArray(String name, int elementOid, int arrayOid, List<Codec<?>> codecs) {
        PgType arrayType = PgType.of(arrayOid, name + "[]");
        List<Codec<?>> binary = codecs.stream().filter(c -> c.format() == Format.BINARY).toList();
        if (!binary.isEmpty()) {
            return new ArrayCodec(arrayType, elementOid, binary.toArray(CodecsByOid.NONE));
        }
        return new TextArrayCodec(arrayType, elementOid, codecs.toArray(CodecsByOid.NONE));
    }
}
