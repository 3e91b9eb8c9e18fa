package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;

/**
 * Arrays of a binary element type, in {@code array_send}'s format: {@code int32 ndim},
 * {@code int32 flags} (1 when there are NULLs), {@code int32 element oid}, per dimension
 * {@code int32 size, int32 lower bound}, then per element {@code int32 length} ({@code -1} for NULL)
 * and the element's binary bytes.
 *
 * <p>Read as {@code Object} it gives a Java array of the element codec's class (an {@code Object[]}
 * when elements come back as different classes, e.g. numeric NaN among BigDecimals), as {@code X[]}
 * an array of {@code X}, as a primitive array when there are no NULLs, and as {@code List} an
 * unmodifiable list. Lower bounds other than 1 are dropped (Java arrays start at 0). A value of several
 * dimensions reads as nested arrays ({@code Integer[][]} as {@code Object}, {@code int[][]}, {@code String[][]} …
 * when asked with as many levels) or nested lists, and is written from a rectangular array of arrays
 * ({@link ArrayElements#dimensions}); asked for with another number of levels it is a {@link PgConversionException}.
 */
final class ArrayCodec extends ElementArrayCodec {

    /** PostgreSQL's MAXDIM. */
    private static final int MAX_DIMENSIONS = 6;

    /**
     * @param elements the element type's codecs, in lookup order (all binary)
     */
    public ArrayCodec(PgType type, int elementOid, Codec<?>[] elements) {
        this(type, elementOid, new ArrayElements(type.name(), Format.BINARY, elements), null);
    }

    private ArrayCodec(PgType type, int elementOid, ArrayElements elements, Codec<?> writer) {
        super(type, elementOid, Format.BINARY, elements, writer);
    }

    @Override
    public ArrayCodec writingWith(Codec<?> element) {
        return new ArrayCodec(type, elementOid, elements, element);
    }

    // ---------------------------------------------------------------- decode

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        if (value.readableBytes() < 12) {
            throw elements.malformed("header needs 12 bytes, got " + value.readableBytes());
        }
        int ndim = value.readInt();
        int flags = value.readInt();
        int oid = value.readInt();
        if (ndim < 0 || ndim > MAX_DIMENSIONS) {
            throw elements.malformed("invalid number of dimensions " + ndim);
        }
        if (flags != 0 && flags != 1) {
            throw elements.malformed("invalid flags " + flags);
        }
        if (oid != elementOid) {
            throw elements.malformed("element type oid " + Integer.toUnsignedString(oid) + ", expected " + Integer.toUnsignedString(elementOid));
        }
        if (value.readableBytes() < 8L * ndim) {
            throw elements.malformed(ndim + " dimensions need " + 8 * ndim + " bytes, " + value.readableBytes() + " left");
        }
        long count = ndim == 0 ? 0 : 1;
        int[] dims = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            int size = value.readInt();
            dims[d] = size;
            int lowerBound = value.readInt();
            if (size < 0) {
                throw elements.malformed("negative dimension size " + size);
            }
            if ((long) lowerBound + size - 1 > Integer.MAX_VALUE) {
                throw elements.malformed("upper bound out of range");
            }
            count *= size;
            // every element takes at least its 4-byte length: more than that is a lie, and would size our array
            if (count > value.readableBytes() / 4) {
                throw elements.malformed(count + " elements cannot fit in " + value.readableBytes() + " bytes");
            }
        }
        boolean anyShape = target == Object.class || target == Object[].class || target == List.class
                || target == Collection.class || target == Iterable.class;
        int wanted = anyShape ? ndim : elements.dimensionsOf(target);
        if (ndim == 0 && wanted > 1) {
            return Array.newInstance(target.getComponentType(), 0);
        }
        if (ndim > 0 && wanted != ndim) {
            throw new PgConversionException("cannot read a " + ndim + "-dimensional " + type.name() + " value as "
                    + target.getSimpleName() + ": read it as an array of " + ndim + " dimension" + (ndim == 1 ? "" : "s")
                    + ", as Object or as List");
        }
        int n = (int) count;
        Class<?> component = ndim > 1 && !anyShape ? elements.elementOf(target) : ArrayElements.componentOf(target);
        Codec<?> codec = elements.readerFor(component);
        Object[] items = new Object[n];
        for (int i = 0; i < n; i++) {
            if (value.readableBytes() < 4) {
                throw elements.malformed("element " + (i + 1) + " of " + n + " is missing its length");
            }
            int length = value.readInt();
            if (length == -1) {
                continue;
            }
            if (length < 0 || length > value.readableBytes()) {
                throw elements.malformed("element " + (i + 1) + " has length " + length + " with " + value.readableBytes() + " bytes left");
            }
            items[i] = elements.element(codec, value.readSlice(length), component, i);
        }
        if (value.isReadable()) {
            throw elements.malformed(value.readableBytes() + " bytes after the last element");
        }
        return ndim > 1 ? elements.shape(items, dims, target, component) : elements.shape(items, target, component);
    }

    // ---------------------------------------------------------------- encode

    /** ndim, flags and element oid; one dimension's size and lower bound when there are elements (at least: more dimensions take 8 bytes each). */
    @Override
    long formBytes(long n) {
        return n == 0 ? 12 : 20;
    }

    /** Its length word, -1. */
    @Override
    int nullBytes() {
        return 4;
    }

    /** Its length word. */
    @Override
    int elementFraming() {
        return 4;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void encode(Object value, ByteBuf out) {
        List<?> list = elements.asList(value);
        int n = list.size();
        boolean hasNull = false;
        for (Object item : list) {
            if (item == null) {
                hasNull = true;
                break;
            }
        }
        int[] dims = elements.nested(value.getClass(), null) ? elements.dimensions(value) : new int[] {n};
        if (n == 0) {
            dims = new int[0];
        }
        if (dims.length > MAX_DIMENSIONS) {
            throw new PgConversionException("cannot write a " + dims.length + "-dimensional " + type.name()
                    + " parameter: PostgreSQL's arrays have at most " + MAX_DIMENSIONS + " dimensions");
        }
        out.writeInt(dims.length);
        out.writeInt(hasNull ? 1 : 0);
        out.writeInt(elementOid);
        for (int size : dims) {
            out.writeInt(size);
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
                lastCodec = (Codec<Object>) elements.writerFor(lastClass, writer);
            }
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            lastCodec.encode(item, out);
            out.setInt(lengthAt, out.writerIndex() - lengthAt - 4);
        }
    }

    @Override
    public String toString() {
        return "ArrayCodec[" + type.name() + "]";
    }
}
