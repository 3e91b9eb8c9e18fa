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

    /** The type name of an enum's array type read through its labels when its key has no name ({@link #enumArrayName}). */
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

    /** See {@link CodecRegistry#isEnumArrayKey(String)}. */
    static boolean isEnumArrayKey(String key) {
        return key.startsWith(ENUM_ARRAY_KEY);
    }

    /** See {@link CodecRegistry#enumArrayKey(int, String)}. */
    static String enumArrayKey(int arrayOid, String enumName) {
        return enumArrayKey(arrayOid) + NAME_SEPARATOR + enumName;
    }

    /** The prefixes of the keys saying what kind of type a looked-up name is ({@link #domainKey}, {@link #compositeKey}). */
    private static final String DOMAIN_KEY = "domain#";
    private static final String COMPOSITE_KEY = "composite#";

    /** See {@link CodecRegistry#domainKey}: {@code domain#<base oid>#<name>}. */
    static String domainKey(String name, int baseOid) {
        return DOMAIN_KEY + Integer.toUnsignedString(baseOid) + NAME_SEPARATOR + name;
    }

    /** See {@link CodecRegistry#compositeKey}: {@code composite#<name>}. */
    static String compositeKey(String name) {
        return COMPOSITE_KEY + name;
    }

    /** The prefix of the keys giving a looked-up type's array delimiter ({@link #delimiterKey}). */
    private static final String DELIMITER_KEY = "delimiter#";

    /**
     * See {@link CodecRegistry#delimiterKey}: {@code delimiter#<code>#<name>}, the delimiter as its number, so that no
     * {@code #} can occur before the name (TypeNameWords takes a key's name after its last {@code #}).
     */
    static String delimiterKey(String name, char delimiter) {
        return DELIMITER_KEY + (int) delimiter + NAME_SEPARATOR + name;
    }

    /** The delimiter of a type's arrays, {@code typdelim}, when none is given: every type's but {@code box}'s and a few extensions'. */
    private static final char DEFAULT_DELIMITER = ',';

    /**
     * The array delimiters given ({@link #delimiterKey}) by the type's OID; a key that is no delimiter key's form gives none.
     */
    private static Map<Integer, Character> delimiters(Map<String, Integer> typeOids) {
        Map<Integer, Character> delimiters = new HashMap<>();
        typeOids.forEach((key, oid) -> {
            int separator = key.indexOf(NAME_SEPARATOR, DELIMITER_KEY.length());
            if (key.startsWith(DELIMITER_KEY) && oid != null && oid != 0 && separator > 0) {
                try {
                    delimiters.put(oid, (char) Integer.parseInt(key.substring(DELIMITER_KEY.length(), separator)));
                } catch (NumberFormatException notANumber) {
                    // not one of delimiterKey's: gives nothing
                }
            }
        });
        return delimiters;
    }

    /**
     * Whether {@link TextArrayCodec} can read arrays whose elements are separated by {@code delimiter}: a printable ASCII
     * character that is not one of the array syntax's own ({@code "}, {@code \}, braces). Any other leaves the array
     * type without a codec (read as one {@code String}, the server's text) rather than read at the wrong places.
     */
    private static boolean readable(char delimiter) {
        return delimiter > ' ' && delimiter < 0x7F && delimiter != '"' && delimiter != '\\' && delimiter != '{' && delimiter != '}';
    }

    /** Between the OID and the enum's name in a key that has one. */
    private static final char NAME_SEPARATOR = '#';

    /**
     * The type name an enum's array read through its labels shows (messages, R2DBC's {@code getType().getName()}): the
     * enum's {@code name[]} when the key has it (REVIEW-29 R29-14: until then {@code enum[]} for every enum), else
     * {@code enum[]}.
     */
    private static String enumArrayName(String key) {
        int separator = key.indexOf(NAME_SEPARATOR, ENUM_ARRAY_KEY.length());
        return separator < 0 || separator == key.length() - 1 ? ENUM_ARRAY_NAME : key.substring(separator + 1) + "[]";
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
        Map<Integer, String> enumArrays = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : typeOids.entrySet()) {
            if (isEnumArrayKey(e.getKey()) && e.getValue() != null && e.getValue() != 0) {
                enumArrays.put(e.getValue(), enumArrayName(e.getKey()));
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
        boolean kinds = typeOids.keySet().stream().anyMatch(key -> key.startsWith(DOMAIN_KEY) || key.startsWith(COMPOSITE_KEY));
        if (bound.isEmpty() && boundOids.isEmpty() && enumArrays.isEmpty() && !kinds) {
            return null;
        }
        Map<Integer, Character> delimiters = delimiters(typeOids);
        Map<Integer, ElementArrayCodec> arrays = new HashMap<>(arraysByElementOid);
        for (Map.Entry<String, List<Codec<?>>> e : boundByName.entrySet()) {
            Integer arrayOid = typeOids.get(e.getKey() + "[]");
            int elementOid = bound.get(e.getKey());
            if (arrayOid != null && arrayOid != 0) {
                ElementArrayCodec array = namedArray(e.getKey(), elementOid, arrayOid, e.getValue(),
                        delimiters.getOrDefault(elementOid, DEFAULT_DELIMITER));
                if (array == null) {
                    continue;
                }
                arrays.put(array.elementOid(), array);
                added.computeIfAbsent(arrayOid, o -> new ArrayList<>()); // after any codec of the array OID itself
                added.get(arrayOid).add(array);
            }
        }
        // the named codecs come first: they are what the user configured for this type
        CodecsByOid table = byOid.withFirst(added);
        Map<Integer, List<Codec<?>>> labelArrays = new LinkedHashMap<>();
        enumArrays.forEach((oid, name) -> {
            if (table.get(oid).length == 0) { // a codec of the enum's own (bound by name) reads its arrays instead
                labelArrays.put(oid, List.of(new TextArrayCodec(PgType.of(oid, name), 0, LABELS)));
            }
        });
        if (kinds) {
            kindArrays(typeOids, table, boundByName.keySet(), delimiters, labelArrays);
        }
        return new Bound(labelArrays.isEmpty() ? table : table.withFirst(labelArrays), Map.copyOf(arrays), Map.copyOf(bound));
    }

    /**
     * Into {@code arraysByOid}: the array codecs of the looked-up names that are domains or composites ({@link #domainKey},
     * {@link #compositeKey}) and have no codec of their own ({@code named}), where the array type was found
     * ({@code name[]}) and nothing reads it yet. A domain's array reads through its base type's codecs — in the binary
     * array form when one is binary (its elements carry the domain's OID, in the base type's binary form), else in the
     * text form, and as {@code String[]} of the elements' text when the base type has none; a composite's as
     * {@code String[]} of each row's text. The text form is split at the type's delimiter ({@code delimiters}, by OID):
     * a domain has its base type's, {@code ;} over {@code box} (REVIEW-32 R32-5: split at {@code ,}, two boxes read as
     * seven strings), {@code :} over PostGIS' types.
     */
    private static void kindArrays(Map<String, Integer> typeOids, CodecsByOid table, java.util.Set<String> named,
                                   Map<Integer, Character> delimiters, Map<Integer, List<Codec<?>>> arraysByOid) {
        Map<Integer, Integer> domainBases = new HashMap<>(); // a domain over a listed domain reads through the latter's base
        typeOids.forEach((key, oid) -> {
            if (key.startsWith(DOMAIN_KEY) && oid != null) {
                domainBases.put(oid, Integer.parseUnsignedInt(key.substring(DOMAIN_KEY.length(), key.indexOf(NAME_SEPARATOR, DOMAIN_KEY.length()))));
            }
        });
        for (Map.Entry<String, Integer> e : typeOids.entrySet()) {
            String key = e.getKey();
            boolean domain = key.startsWith(DOMAIN_KEY);
            if (!domain && !key.startsWith(COMPOSITE_KEY) || e.getValue() == null || e.getValue() == 0) {
                continue;
            }
            int separator = domain ? key.indexOf(NAME_SEPARATOR, DOMAIN_KEY.length()) : -1;
            String name = domain ? key.substring(separator + 1) : key.substring(COMPOSITE_KEY.length());
            Integer arrayOid = typeOids.get(name + "[]");
            if (named.contains(name) || arrayOid == null || arrayOid == 0 || table.get(arrayOid).length > 0) {
                continue;
            }
            PgType arrayType = PgType.of(arrayOid, name + "[]");
            int elementOid = e.getValue();
            List<Codec<?>> base = domain ? baseCodecs(table, baseOf(elementOid, domainBases)) : List.of();
            List<Codec<?>> binary = base.stream().filter(c -> c.format() == Format.BINARY).toList();
            char delimiter = delimiters.getOrDefault(elementOid, DEFAULT_DELIMITER);
            if (!binary.isEmpty()) {
                arraysByOid.put(arrayOid, List.of(new ArrayCodec(arrayType, elementOid, binary.toArray(CodecsByOid.NONE))));
            } else if (readable(delimiter)) {
                arraysByOid.put(arrayOid, List.of(new TextArrayCodec(arrayType, elementOid,
                        base.isEmpty() ? LABELS : base.toArray(CodecsByOid.NONE), (byte) delimiter)));
            }
        }
    }

    /** The type a domain is over at last, through the listed domains it is over (at most as many steps as there are). */
    private static int baseOf(int domainOid, Map<Integer, Integer> domainBases) {
        int base = domainBases.get(domainOid);
        for (int steps = 0; domainBases.containsKey(base) && steps < domainBases.size(); steps++) {
            base = domainBases.get(base);
        }
        return base;
    }

    /**
     * The codecs of a domain's base type, its array codecs left out: the arrays of a domain over an array type read as
     * {@code String[]} of their elements' text ({@code {"{1,2}","{3}"}}).
     */
    private static List<Codec<?>> baseCodecs(CodecsByOid table, int baseOid) {
        return java.util.Arrays.stream(table.get(baseOid)).filter(c -> !(c instanceof ElementArrayCodec)).toList();
    }

    /**
     * The codec of a named type's array type ({@code typeOids} key {@code name[]}, its
     * {@code pg_type.typarray}): binary arrays ({@code array_send}) through the element's binary
     * codecs; where it has only text codecs (an enum, a domain or a composite read as text), text
     * arrays ({@code array_out}), since a binary array carries its elements in binary, split at the type's
     * {@code delimiter} (PostGIS' {@code :}; REVIEW-32 R32-5: always {@code ,}); null when that is none
     * {@link #readable} (no array codec: the array reads as the server's text).
     */
    private static ElementArrayCodec namedArray(String name, int elementOid, int arrayOid, List<Codec<?>> codecs, char delimiter) {
        PgType arrayType = PgType.of(arrayOid, name + "[]");
        List<Codec<?>> binary = codecs.stream().filter(c -> c.format() == Format.BINARY).toList();
        if (!binary.isEmpty()) {
            return new ArrayCodec(arrayType, elementOid, binary.toArray(CodecsByOid.NONE));
        }
        return readable(delimiter) ? new TextArrayCodec(arrayType, elementOid, codecs.toArray(CodecsByOid.NONE), (byte) delimiter) : null;
    }
}
