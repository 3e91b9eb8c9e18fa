package io.pgconn.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The codecs a connection uses: pgconn's built-in ones plus those a user registered, found by type OID
 * for results and by Java class for parameters. Immutable and thread-safe once built; one registry
 * (usually {@link #defaults()} or one built by a factory) serves every connection, and each connection
 * uses a {@linkplain #bind bound} copy that knows its extension types' OIDs.
 *
 * <p><b>Lookup order.</b> For a type OID, codecs registered later are asked first, so a user's codec
 * for {@code int4} or for {@code Integer} wins over the built-in one. For a parameter, the value's
 * class, then its superclasses, then its interfaces are looked up; among the codecs registered for the
 * first class found, the first one usable on this connection wins (a codec for a named type is usable
 * only once {@link #bind} found its OID).
 *
 * <p><b>Unknown types</b> (no codec for the OID) are read as {@code String} in text format — their OID
 * stays visible in the row description — and as {@code byte[]} in binary format;
 * {@link #resultFormat(int)} asks for text for them. An array of a type without a codec reads as {@code String[]} of its
 * elements' text where the array type is known: the built-in ones ({@code point[]}, {@code box[]}, the ranges',
 * {@code record[]} ...: {@code BuiltinTextArrays}), an enum's ({@link #enumArrayKey}), a looked-up domain's (through its
 * base type's codec, {@link #domainKey}) or composite's ({@link #compositeKey}). Any other is one {@code String}, the
 * array's literal as the server prints it (asking for {@code String[]} is a {@link PgConversionException}).
 *
 * <p><b>Arrays.</b> Every codec whose {@link PgType#arrayOid()} is set and whose format is binary gets
 * an array codec (NULL elements; several dimensions as nested arrays): Java arrays (boxed, or primitive when
 * there are no NULLs) and {@code List}s. A Java {@code enum} no codec writes is sent as its name, untyped, and arrays
 * of them as an untyped text array ({@code EnumLabelCodec}). An empty or all-NULL {@code List} is sent as a text array
 * literal with an unspecified type, so the server takes the type from the statement. A named type's
 * array type is bound with it ({@link #bind}, key {@code name[]}): in the binary array form through a
 * binary codec, in {@code array_out}'s text form through a text one.
 *
 * <p><b>Hot path.</b> Lookups by OID below 10,000 index an array ({@code CodecsByOid}); parameter encoders are
 * cached per class. Resolve a {@link Decoder} once per column and reuse it for every row.
 *
 * <p><b>Its parts.</b> This class keeps the registration ({@link Builder}) and the public face; results are looked up by
 * {@code ResultDecoders}, parameters by {@code ParameterEncoders}, and {@link #bind} is {@code NamedTypeBinding}'s.
 */
public final class CodecRegistry {

    private static final Codec<?>[] NONE = CodecsByOid.NONE;
    private static final CodecRegistry DEFAULTS = builder().build();

    private final CodecsByOid byOid;
    private final Map<Class<?>, Codec<?>[]> byClass;
    private final Map<Integer, ElementArrayCodec> arraysByElementOid;
    private final Map<String, Integer> boundOids;
    private final List<Codec<?>> named;
    /** Parameter encoders by Java class, resolved once per class. */
    private final ParameterEncoders parameters;
    /** Result decoders by type OID. */
    private final ResultDecoders results;

    private CodecRegistry(CodecsByOid byOid, Map<Class<?>, Codec<?>[]> byClass,
                          Map<Integer, ElementArrayCodec> arraysByElementOid, Map<String, Integer> boundOids,
                          List<Codec<?>> named) {
        this.byOid = byOid;
        this.byClass = byClass;
        this.arraysByElementOid = arraysByElementOid;
        this.boundOids = boundOids;
        this.named = named;
        this.parameters = new ParameterEncoders(byClass, arraysByElementOid, boundOids, named);
        this.results = new ResultDecoders(byOid);
    }

    /** pgconn's built-in codecs only, unbound (extension types are not usable until {@link #bind}). */
    public static CodecRegistry defaults() {
        return DEFAULTS;
    }

    /** A builder that starts with the built-in codecs. */
    public static Builder builder() {
        Builder builder = new Builder();
        BuiltinCodecs.registerAll(builder);
        return builder;
    }

    /**
     * A copy of this registry that uses the codecs of named types at the OIDs a connection discovered
     * ({@code typname → oid}, as {@code PgConnection.typeOid} knows them), and arrays of them at the
     * OID under {@code typname[]} ({@code pg_type.typarray}). Names missing from the map stay
     * unusable: their values are read as unknown types and a parameter needing them fails with a
     * {@link PgConversionException} that says the type is not installed; without {@code typname[]},
     * so are arrays of the type.
     */
    public CodecRegistry bind(Map<String, Integer> typeOids) {
        Objects.requireNonNull(typeOids, "typeOids");
        NamedTypeBinding.Bound bound = NamedTypeBinding.bind(typeOids, byOid, arraysByElementOid, boundOids, named);
        return bound == null ? this
                : new CodecRegistry(bound.byOid(), byClass, bound.arraysByElementOid(), bound.boundOids(), named);
    }

    /**
     * The {@link #bind} key under which an array type whose elements are an enum's labels is given ({@code typeOids}
     * value: that OID): without a codec of the enum's own, its values read as {@code String[]} ({@code Object},
     * {@code String[]}, {@code List}, nested arrays for several dimensions), not as one {@code String} of the array's
     * text (session 29; as {@code String} they still read as the text). The connection's type lookup finds every enum's
     * array type in the same query as its {@code extensionTypes}.
     */
    public static String enumArrayKey(int arrayOid) {
        return NamedTypeBinding.enumArrayKey(arrayOid);
    }

    /**
     * {@link #enumArrayKey(int)} with the enum's name ({@code pg_type.typname}, {@code mood}): its arrays then show the
     * type name {@code mood[]} (messages, R2DBC's {@code getType().getName()}), not {@code enum[]}. The connection's
     * lookup gives these keys.
     */
    public static String enumArrayKey(int arrayOid, String enumName) {
        return NamedTypeBinding.enumArrayKey(arrayOid, Objects.requireNonNull(enumName, "enumName"));
    }

    /**
     * Whether {@code key} is one of {@link #enumArrayKey}'s: the database's enums, not a name resolved through the search
     * path (a session's answers kept by search path take the latest lookup's enum arrays, REVIEW-29 R29-9).
     */
    public static boolean isEnumArrayKey(String key) {
        return NamedTypeBinding.isEnumArrayKey(key);
    }

    /**
     * The {@link #bind} key saying that the looked-up name {@code name} (its OID under {@code name}, its array type's under
     * {@code name[]}) is a domain over the type {@code baseOid} ({@code typeOids} value: the domain's OID): without a codec
     * of the domain's own, its arrays read through the base type's codecs ({@code posint[]} as {@code Integer[]}); a
     * column of the domain itself reads as its base type already (the server describes it so). The connection's lookup
     * gives these keys for the names in its {@code extensionTypes}.
     */
    public static String domainKey(String name, int baseOid) {
        return NamedTypeBinding.domainKey(Objects.requireNonNull(name, "name"), baseOid);
    }

    /**
     * The {@link #bind} key saying that the looked-up name {@code name} is a composite type ({@code typeOids} value: its
     * OID): without a codec of its own, its arrays read as {@code String[]} of each row's text ({@code (1,"a b")}), as a
     * value of the composite reads as its text. The connection's lookup gives these keys for the names in its
     * {@code extensionTypes}.
     */
    public static String compositeKey(String name) {
        return NamedTypeBinding.compositeKey(Objects.requireNonNull(name, "name"));
    }

    /**
     * The {@link #bind} key saying that the elements of the looked-up name {@code name}'s arrays are separated by
     * {@code delimiter} ({@code pg_type.typdelim}; {@code typeOids} value: the type's OID), where it is not {@code ,}: a
     * domain over {@code box} has {@code box}'s {@code ;}, PostGIS' types {@code :}. The arrays read in the text form (a
     * text codec's, a domain's over a type without a binary codec) are split there; without the key, at {@code ,}. A
     * delimiter that is no printable ASCII character, or one of the array syntax's own ({@code "}, {@code \}, braces),
     * leaves such an array type without a codec: it reads as one {@code String}, the server's text. The connection's
     * lookup gives these keys for the names in its {@code extensionTypes} (REVIEW-32 R32-5).
     */
    public static String delimiterKey(String name, char delimiter) {
        return NamedTypeBinding.delimiterKey(Objects.requireNonNull(name, "name"), delimiter);
    }

    /** The type names whose OIDs {@link #bind} needs (the named types of registered codecs). */
    public Set<String> namedTypes() {
        Set<String> names = new LinkedHashSet<>();
        for (Codec<?> codec : named) {
            names.add(codec.type().name());
        }
        return Collections.unmodifiableSet(names);
    }

    /** The OID a named type is bound to in this registry, or {@code 0}. */
    public int boundOid(String typeName) {
        return boundOids.getOrDefault(typeName, 0);
    }

    // ---------------------------------------------------------------- results

    /**
     * The format to request for a result column of this type: binary when a codec reads it in binary,
     * text otherwise (unknown types, text-only codecs).
     */
    public Format resultFormat(int oid) {
        return results.resultFormat(oid);
    }

    /**
     * The decoder for a column of type {@code oid} in {@code format} read as {@code target}
     * ({@code Object.class} for the codec's default class; a primitive class means its wrapper).
     *
     * @throws PgConversionException when no codec reads that type as that class
     */
    public Decoder decoder(int oid, Format format, Class<?> target) {
        return results.decoder(oid, format, target);
    }

    /** Reads one non-null value: {@code decoder(oid, format, target).decode(value)}. */
    public <T> T decode(int oid, Format format, io.netty.buffer.ByteBuf value, Class<T> target) {
        @SuppressWarnings("unchecked")
        T result = (T) decoder(oid, format, target).decode(value);
        return result;
    }

    /** Reads one non-null value as the type's default Java class. */
    public Object decode(int oid, Format format, io.netty.buffer.ByteBuf value) {
        return decoder(oid, format, Object.class).decode(value);
    }

    /**
     * The class of every non-null value {@link #decode(int, Format, io.netty.buffer.ByteBuf)} returns for type
     * {@code oid} in {@code format} — what {@code Row.get(i)} gives — so that column metadata can say it before a row
     * is read (R2DBC's {@code ColumnMetadata.getJavaType()}). It is the default codec's {@link Codec#javaType()} (a
     * user codec's included; a type without a codec: {@code String}, its text), an array's is the array of its
     * elements' class ({@code int4[]}: {@code Integer[]}; a value of several dimensions reads as nested arrays,
     * {@code Integer[][]}, which the column's type cannot announce); where one type's values come in more than one class it is
     * their common supertype: {@code numeric} {@code Number} (NaN and ±Infinity read as {@code Double}),
     * {@code inet} {@code Object} (a host reads as {@code InetAddress}, a network as {@link Cidr}), their arrays
     * {@code Object[]}. {@code Object} when nothing reads the type in that format.
     */
    public Class<?> javaType(int oid, Format format) {
        return results.javaType(oid, format);
    }

    /** The type's name for messages: the codec's type name, or {@code "type oid N"} for an unknown one. */
    public String typeName(int oid) {
        return results.typeName(oid);
    }

    /** Whether any codec handles this OID (otherwise its values are read as text). */
    public boolean knows(int oid) {
        return results.codecs(oid).length > 0;
    }

    // ---------------------------------------------------------------- parameters

    /**
     * The encoder for a non-null parameter, chosen by its class (see the class comment for the order).
     *
     * @throws PgConversionException when no codec writes that class (the message names the class only)
     */
    public Encoder encoder(Object value) {
        return parameters.encoder(value);
    }

    /**
     * The encoder for a non-null parameter sent as the type {@code oid}: the first codec for that OID
     * that {@linkplain Codec#encodes accepts} the value's class.
     *
     * @throws PgConversionException when none does
     */
    public Encoder encoder(int oid, Object value) {
        Objects.requireNonNull(value, "value (a NULL parameter needs no encoder)");
        Class<?> type = value.getClass();
        for (Codec<?> codec : results.codecs(oid)) {
            if (codec.encodes(type)) {
                return new Encoder(codec, oid, codec.format());
            }
        }
        throw new PgConversionException("no codec writes a parameter of class " + type.getName() + " as " + typeName(oid));
    }

    /**
     * The OID a parameter of class {@code type} is sent as — what a NULL bound with that class is typed
     * as — or 0 when no codec usable on this connection writes that class.
     */
    public int parameterOid(Class<?> type) {
        return parameters.parameterOid(type);
    }

    /**
     * Builds a registry: starts with the built-in codecs ({@link CodecRegistry#builder()}); codecs
     * registered later take precedence, for their type OID and for their Java class.
     */
    public static final class Builder {

        private final List<Codec<?>> codecs = new ArrayList<>();
        private final Set<Codec<?>> explicitOnly = Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        private Builder() {
        }

        /**
         * Uses {@code codec} for its type's values and for parameters of its {@link Codec#javaType()}
         * (and subclasses), ahead of every codec registered before it.
         */
        public Builder register(Codec<?> codec) {
            codecs.add(Objects.requireNonNull(codec, "codec"));
            return this;
        }

        /**
         * Uses {@code codec} for its type's values, and for parameters only when the caller names its type
         * ({@link CodecRegistry#encoder(int, Object)}) — for a type whose Java class already has a default
         * (the built-in {@code oid} codec reads {@code Long}s, but a {@code Long} parameter is an {@code int8}).
         */
        public Builder registerExplicit(Codec<?> codec) {
            register(codec);
            explicitOnly.add(codec);
            return this;
        }

        public CodecRegistry build() {
            Map<Class<?>, List<Codec<?>>> byClass = new HashMap<>();
            Map<Integer, List<Codec<?>>> elementCodecs = new LinkedHashMap<>();
            List<Codec<?>> named = new ArrayList<>();
            // latest first: a user's codec precedes the built-in one it overrides
            List<Codec<?>> ordered = new ArrayList<>(codecs);
            Collections.reverse(ordered);
            Map<Integer, List<Codec<?>>> byOid = new LinkedHashMap<>();
            for (Codec<?> codec : ordered) {
                PgType type = Objects.requireNonNull(codec.type(), "codec.type()");
                Objects.requireNonNull(codec.javaType(), "codec.javaType()");
                Objects.requireNonNull(codec.format(), "codec.format()");
                if (type.isNamed()) {
                    named.add(codec);
                } else {
                    byOid.computeIfAbsent(type.oid(), o -> new ArrayList<>()).add(codec);
                    if (type.arrayOid() != 0 && codec.format() == Format.BINARY) {
                        elementCodecs.computeIfAbsent(type.oid(), o -> new ArrayList<>()).add(codec);
                    }
                }
                if (!explicitOnly.contains(codec)) {
                    byClass.computeIfAbsent(codec.javaType(), c -> new ArrayList<>()).add(codec);
                }
            }
            Map<Integer, ElementArrayCodec> arrays = new HashMap<>();
            for (Map.Entry<Integer, List<Codec<?>>> e : elementCodecs.entrySet()) {
                Codec<?>[] elements = e.getValue().toArray(NONE);
                PgType elementType = elements[0].type();
                ArrayCodec array = new ArrayCodec(PgType.of(elementType.arrayOid(), elementType.name() + "[]"),
                        elementType.oid(), elements);
                arrays.put(elementType.oid(), array);
                // after any codec registered for the array OID itself
                byOid.computeIfAbsent(elementType.arrayOid(), o -> new ArrayList<>()).add(array);
            }
            BuiltinTextArrays.addTo(byOid); // point[], box[], ...: String[] of their elements' text
            Map<Class<?>, Codec<?>[]> classArrays = new HashMap<>();
            byClass.forEach((c, list) -> classArrays.put(c, list.toArray(NONE)));
            return new CodecRegistry(CodecsByOid.of(byOid), Map.copyOf(classArrays), Map.copyOf(arrays),
                    Map.of(), List.copyOf(named));
        }
    }
}
