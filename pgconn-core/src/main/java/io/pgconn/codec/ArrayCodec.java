package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgProtocolException;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * One-dimensional arrays of a binary element type, in {@code array_send}'s format: {@code int32 ndim},
 * {@code int32 flags} (1 when there are NULLs), {@code int32 element oid}, per dimension
 * {@code int32 size, int32 lower bound}, then per element {@code int32 length} ({@code -1} for NULL)
 * and the element's binary bytes.
 *
 * <p>Read as {@code Object} it gives a Java array of the element codec's class (an {@code Object[]}
 * when elements come back as different classes, e.g. numeric NaN among BigDecimals), as {@code X[]}
 * an array of {@code X}, as a primitive array when there are no NULLs, and as {@code List} an
 * unmodifiable list. Lower bounds other than 1 are dropped (Java arrays start at 0); arrays of more than
 * one dimension are a {@link PgConversionException}.
 */
final class ArrayCodec implements Codec<Object> {

    /** PostgreSQL's MAXDIM. */
    private static final int MAX_DIMENSIONS = 6;

    private final PgType type;
    private final int elementOid;
    private final Codec<?>[] elements;
    private final Codec<?> writer;

    /**
     * @param elements the element type's codecs, in lookup order (all binary)
     */
    public ArrayCodec(PgType type, int elementOid, Codec<?>[] elements) {
        this(type, elementOid, elements.clone(), null);
    }

    private ArrayCodec(PgType type, int elementOid, Codec<?>[] elements, Codec<?> writer) {
        this.type = type;
        this.elementOid = elementOid;
        this.elements = elements;
        this.writer = writer;
    }

    /** The same array type, writing its elements with {@code element} (chosen by the parameter's element class). */
    public ArrayCodec writingWith(Codec<?> element) {
        return new ArrayCodec(type, elementOid, elements, element);
    }

    public int elementOid() {
        return elementOid;
    }

    @Override
    public PgType type() {
        return type;
    }

    @Override
    public Class<? extends Object> javaType() {
        return Object[].class;
    }

    @Override
    public Format format() {
        return Format.BINARY;
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        if (List.class.isAssignableFrom(valueClass)) {
            return true;
        }
        if (!valueClass.isArray()) {
            return false;
        }
        Class<?> component = Primitives.wrap(valueClass.getComponentType());
        return component == Object.class || elementCodecWriting(component) != null;
    }

    @Override
    public boolean decodes(Format format, Class<?> target) {
        if (format != Format.BINARY) {
            return false;
        }
        if (target == Object.class || target == Object[].class || target == List.class
                || target == Collection.class || target == Iterable.class) {
            return true;
        }
        return target.isArray() && elementCodecReading(Primitives.wrap(target.getComponentType())) != null;
    }

    // ---------------------------------------------------------------- decode

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        if (value.readableBytes() < 12) {
            throw malformed("header needs 12 bytes, got " + value.readableBytes());
        }
        int ndim = value.readInt();
        int flags = value.readInt();
        int oid = value.readInt();
        if (ndim < 0 || ndim > MAX_DIMENSIONS) {
            throw malformed("invalid number of dimensions " + ndim);
        }
        if (flags != 0 && flags != 1) {
            throw malformed("invalid flags " + flags);
        }
        if (oid != elementOid) {
            throw malformed("element type oid " + Integer.toUnsignedString(oid) + ", expected " + elementOid);
        }
        if (value.readableBytes() < 8L * ndim) {
            throw malformed(ndim + " dimensions need " + 8 * ndim + " bytes, " + value.readableBytes() + " left");
        }
        long count = ndim == 0 ? 0 : 1;
        for (int d = 0; d < ndim; d++) {
            int size = value.readInt();
            int lowerBound = value.readInt();
            if (size < 0) {
                throw malformed("negative dimension size " + size);
            }
            if ((long) lowerBound + size - 1 > Integer.MAX_VALUE) {
                throw malformed("upper bound out of range");
            }
            count *= size;
            // every element takes at least its 4-byte length: more than that is a lie, and would size our array
            if (count > value.readableBytes() / 4) {
                throw malformed(count + " elements cannot fit in " + value.readableBytes() + " bytes");
            }
        }
        if (ndim > 1) {
            throw new PgConversionException("cannot read a " + ndim + "-dimensional " + type.name()
                    + " value: only one-dimensional arrays are supported");
        }
        int n = (int) count;
        Class<?> component = componentOf(target);
        Codec<?> codec = elementCodecReading(component);
        if (codec == null) {
            throw new PgConversionException("no conversion from " + type.name() + " elements to " + component.getName());
        }
        Object[] items = new Object[n];
        for (int i = 0; i < n; i++) {
            if (value.readableBytes() < 4) {
                throw malformed("element " + (i + 1) + " of " + n + " is missing its length");
            }
            int length = value.readInt();
            if (length == -1) {
                continue;
            }
            if (length < 0 || length > value.readableBytes()) {
                throw malformed("element " + (i + 1) + " has length " + length + " with " + value.readableBytes() + " bytes left");
            }
            ByteBuf slice = value.readSlice(length);
            Object item;
            try {
                item = codec.decode(slice, Format.BINARY, component);
            } catch (PgProtocolException e) {
                throw malformed("element " + (i + 1) + ": " + e.getMessage());
            }
            if (item == null || !component.isInstance(item)) {
                throw new PgProtocolException(null, "codec " + codec.getClass().getName() + " did not read a "
                        + component.getName() + " from a " + type.name() + " element");
            }
            items[i] = item;
        }
        if (value.isReadable()) {
            throw malformed(value.readableBytes() + " bytes after the last element");
        }
        return shape(items, target, component);
    }

    private Object shape(Object[] items, Class<?> target, Class<?> component) {
        if (target == List.class || target == Collection.class || target == Iterable.class) {
            return Collections.unmodifiableList(Arrays.asList(items));
        }
        if (target == Object.class || target == Object[].class) {
            Class<?> common = elementCodecReading(Object.class).javaType();
            for (Object item : items) {
                if (item != null && !common.isInstance(item)) {
                    return items;
                }
            }
            return copy(items, common);
        }
        Class<?> declared = target.getComponentType();
        if (declared.isPrimitive()) {
            Object array = Array.newInstance(declared, items.length);
            for (int i = 0; i < items.length; i++) {
                if (items[i] == null) {
                    throw new PgConversionException("cannot read a " + type.name() + " value with NULL elements as "
                            + declared.getName() + "[]; use " + component.getSimpleName() + "[] or List");
                }
                Array.set(array, i, items[i]);
            }
            return array;
        }
        return copy(items, component);
    }

    private static Object[] copy(Object[] items, Class<?> component) {
        Object[] typed = (Object[]) Array.newInstance(component, items.length);
        System.arraycopy(items, 0, typed, 0, items.length);
        return typed;
    }

    private static Class<?> componentOf(Class<?> target) {
        if (target.isArray() && target != Object[].class) {
            return Primitives.wrap(target.getComponentType());
        }
        return Object.class;
    }

    private Codec<?> elementCodecReading(Class<?> component) {
        for (Codec<?> codec : elements) {
            if (codec.decodes(Format.BINARY, component)) {
                return codec;
            }
        }
        return null;
    }

    private Codec<?> elementCodecWriting(Class<?> elementClass) {
        if (writer != null && writer.encodes(elementClass)) {
            return writer;
        }
        for (Codec<?> codec : elements) {
            if (codec.encodes(elementClass)) {
                return codec;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- encode

    @Override
    @SuppressWarnings("unchecked")
    public void encode(Object value, ByteBuf out) {
        List<?> list = asList(value);
        int n = list.size();
        boolean hasNull = false;
        for (Object item : list) {
            if (item == null) {
                hasNull = true;
                break;
            }
        }
        out.writeInt(n == 0 ? 0 : 1);
        out.writeInt(hasNull ? 1 : 0);
        out.writeInt(elementOid);
        if (n > 0) {
            out.writeInt(n);
            out.writeInt(1);
        }
        Class<?> lastClass = null;
        Codec<Object> lastCodec = null;
        for (Object item : list) {
            if (item == null) {
                out.writeInt(-1);
                continue;
            }
            if (item.getClass() != lastClass) {
                lastClass = item.getClass();
                lastCodec = (Codec<Object>) elementCodecWriting(lastClass);
                if (lastCodec == null) {
                    throw new PgConversionException("cannot write a " + lastClass.getName() + " element in a "
                            + type.name() + " parameter");
                }
            }
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            lastCodec.encode(item, out);
            out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
        }
    }

    private List<?> asList(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        if (value != null && value.getClass().isArray()) {
            int n = Array.getLength(value);
            Object[] boxed = new Object[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = Array.get(value, i);
            }
            return Arrays.asList(boxed);
        }
        throw new PgConversionException("cannot write a " + (value == null ? "null" : value.getClass().getName())
                + " parameter as " + type.name());
    }

    private PgProtocolException malformed(String what) {
        return new PgProtocolException(null, "malformed " + type.name() + " value from the server: " + what);
    }

    @Override
    public String toString() {
        return "ArrayCodec[" + type.name() + "]";
    }
}
