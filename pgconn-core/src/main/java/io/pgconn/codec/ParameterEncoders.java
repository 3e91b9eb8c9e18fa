package io.pgconn.codec;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parameter side of a {@link CodecRegistry}: which codec writes a Java class (the class, its
 * superclasses, then its interfaces; arrays and {@code List}s through the element's array codec),
 * resolved once per class and cached. Thread-safe; one per (bound) registry.
 */
final class ParameterEncoders {

    private final Map<Class<?>, Codec<?>[]> byClass;
    private final Map<Integer, ElementArrayCodec> arraysByElementOid;
    private final Map<String, Integer> boundOids;
    private final List<Codec<?>> named;
    private final ConcurrentHashMap<Class<?>, Encoder> encoderCache = new ConcurrentHashMap<>();
    /** Array encoders by element class (a List parameter's class says nothing about its elements). */
    private final ConcurrentHashMap<Class<?>, Encoder> arrayEncoderCache = new ConcurrentHashMap<>();

    ParameterEncoders(Map<Class<?>, Codec<?>[]> byClass, Map<Integer, ElementArrayCodec> arraysByElementOid,
                      Map<String, Integer> boundOids, List<Codec<?>> named) {
        this.byClass = byClass;
        this.arraysByElementOid = arraysByElementOid;
        this.boundOids = boundOids;
        this.named = named;
    }

    /** See {@link CodecRegistry#encoder(Object)}. */
    Encoder encoder(Object value) {
        Objects.requireNonNull(value, "value (a NULL parameter needs no encoder)");
        if (value instanceof List<?> list) {
            return listEncoder(list);
        }
        Class<?> type = value.getClass();
        Encoder cached = encoderCache.get(type);
        if (cached != null) {
            return cached;
        }
        Encoder found = resolve(type);
        if (found == null && type.isArray() && type.getComponentType() != Object.class) {
            found = arrayEncoder(Primitives.wrap(type.getComponentType()), type);
        }
        if (found == null && type.isArray() && type.getComponentType().isArray()) {
            found = arrayEncoder(innermostElement(type), type);
        }
        if (found == null && type == Object[].class) {
            return listEncoder(Arrays.asList((Object[]) value));
        }
        if (found == null) {
            throw new PgConversionException("no codec writes a parameter of class " + type.getName() + unboundHint(type));
        }
        encoderCache.putIfAbsent(type, found);
        return found;
    }

    /**
     * The element class of a multi-dimensional array parameter ({@code int[][]}: {@code Integer}): its component types down
     * to the first a codec writes, or to the last level ({@code byte[][]} stops at {@code byte[]}, a bytea).
     */
    private Class<?> innermostElement(Class<?> type) {
        Class<?> element = type.getComponentType();
        while (element.isArray() && resolveCached(Primitives.wrap(element)) == null) {
            element = element.getComponentType();
        }
        return Primitives.wrap(element);
    }

    private Encoder listEncoder(List<?> list) {
        Object first = null;
        for (Object element : list) {
            if (element != null) {
                first = element;
                break;
            }
        }
        if (first == null) {
            return new Encoder(EmptyArrayCodec.INSTANCE, Oids.UNSPECIFIED, Format.TEXT);
        }
        if (first instanceof List<?> || first.getClass() == Object[].class) {
            throw new PgConversionException("multi-dimensional array parameters are not supported (a List of "
                    + first.getClass().getName() + ")");
        }
        Encoder found = arrayEncoder(first.getClass(), list.getClass());
        if (found == null) {
            throw new PgConversionException("no codec writes a List of " + first.getClass().getName() + unboundHint(first.getClass()));
        }
        return found;
    }

    private Encoder arrayEncoder(Class<?> elementClass, Class<?> containerClass) {
        Encoder cached = arrayEncoderCache.get(elementClass);
        if (cached != null) {
            return cached;
        }
        Encoder found = newArrayEncoder(elementClass, containerClass);
        if (found != null) {
            arrayEncoderCache.putIfAbsent(elementClass, found);
        }
        return found;
    }

    private Encoder newArrayEncoder(Class<?> elementClass, Class<?> containerClass) {
        Encoder element = resolveCached(elementClass);
        if (element == null) {
            return null;
        }
        // by the OID the element is sent as: a named type's is the one this connection discovered
        ElementArrayCodec arrays = arraysByElementOid.get(element.oid());
        if (arrays == null) {
            throw new PgConversionException("no array codec for " + element.typeName() + " elements ("
                    + containerClass.getName() + " parameter)" + (element.codec().type().isNamed()
                    ? "; the array type of " + element.typeName() + " was not found on this connection" : ""));
        }
        ElementArrayCodec codec = arrays.writingWith(element.codec());
        return new Encoder(codec, codec.type().oid(), codec.format());
    }

    /** See {@link CodecRegistry#parameterOid(Class)}. */
    int parameterOid(Class<?> type) {
        Encoder encoder = resolveCached(type);
        return encoder == null ? 0 : encoder.oid();
    }

    private Encoder resolveCached(Class<?> type) {
        Encoder cached = encoderCache.get(type);
        if (cached != null) {
            return cached;
        }
        Encoder found = resolve(type);
        if (found != null) {
            encoderCache.putIfAbsent(type, found);
        }
        return found;
    }

    /** The class, its superclasses, then its interfaces breadth-first: the first with a usable codec. */
    private Encoder resolve(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Encoder e = usable(byClass.get(c));
            if (e != null) {
                return e;
            }
        }
        Deque<Class<?>> queue = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            queue.addAll(Arrays.asList(c.getInterfaces()));
        }
        while (!queue.isEmpty()) {
            Class<?> i = queue.poll();
            if (!seen.add(i)) {
                continue;
            }
            Encoder e = usable(byClass.get(i));
            if (e != null) {
                return e;
            }
            queue.addAll(Arrays.asList(i.getInterfaces()));
        }
        return null;
    }

    private Encoder usable(Codec<?>[] codecs) {
        if (codecs == null) {
            return null;
        }
        for (Codec<?> codec : codecs) {
            if (!codec.type().isNamed()) {
                return new Encoder(codec, codec.type().oid(), codec.format());
            }
            Integer oid = boundOids.get(codec.type().name());
            if (oid != null) {
                return new Encoder(codec, oid, codec.format());
            }
        }
        return null;
    }

    private String unboundHint(Class<?> type) {
        for (Codec<?> codec : named) {
            if (codec.encodes(type) && !boundOids.containsKey(codec.type().name())) {
                return "; type " + codec.type().name() + " is not installed in this database (or not among the"
                        + " connection's extensionTypes)";
            }
        }
        return enumHint(type);
    }

    /**
     * The ways out for a Java enum no codec writes (NEW-USER-27 F2: an application moved from r2dbc-postgresql keeps
     * Spring Data's {@code EnumWriteSupport}, whose enum then reaches the driver as itself), or nothing for another
     * class: its name as text (a PostgreSQL enum parameter takes it; an array of them needs a cast), or a codec for the
     * PostgreSQL type. docs/r2dbc.md §5, codecs.md.
     */
    private static String enumHint(Class<?> type) {
        Class<?> element = type.isArray() ? type.getComponentType() : type;
        if (!Enum.class.isAssignableFrom(element)) {
            return "";
        }
        return "; it is a Java enum: bind its name() (an array of them: the names, with a cast such as $1::my_enum[];"
                + " Spring Data writes the name unless an EnumWriteSupport converter hands it the enum), or register a codec"
                + " for the PostgreSQL type and name the type in extensionTypes (docs/r2dbc.md §5)";
    }
}
