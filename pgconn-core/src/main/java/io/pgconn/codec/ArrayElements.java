package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgProtocolException;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The element side of a one-dimensional array codec, whatever the array's wire form
 * ({@link ArrayCodec}: {@code array_send}'s binary; {@link TextArrayCodec}: {@code array_out}'s text):
 * the element type's codecs (all of one format), which of them reads or writes a Java class, and the
 * Java shape of what was read — as {@code Object} a Java array of the element codec's class (an
 * {@code Object[]} when elements come back as different classes), as {@code X[]} an array of
 * {@code X}, as a primitive array when there are no NULLs, as {@code List} an unmodifiable list.
 */
final class ArrayElements {

    private final String arrayTypeName;
    private final Format format;
    private final Codec<?>[] codecs;

    /**
     * @param codecs the element type's codecs, in lookup order, all reading and writing {@code format}
     */
    ArrayElements(String arrayTypeName, Format format, Codec<?>[] codecs) {
        this.arrayTypeName = arrayTypeName;
        this.format = format;
        this.codecs = codecs.clone();
    }

    /** The first element codec (a domain's array: its base type's), or null when there is none. */
    Codec<?> first() {
        return codecs.length == 0 ? null : codecs[0];
    }

    /** Whether a parameter of this class is written as this array: a {@code List}, or a Java array whose elements a codec writes. */
    boolean encodes(Class<?> valueClass, Codec<?> writer) {
        if (List.class.isAssignableFrom(valueClass)) {
            return true;
        }
        if (!valueClass.isArray()) {
            return false;
        }
        Class<?> component = Primitives.wrap(valueClass.getComponentType());
        if (nested(valueClass, writer)) {
            return encodes(valueClass.getComponentType(), writer);
        }
        return component == Object.class || writing(component, writer) != null;
    }

    /**
     * Whether a parameter of this class is a multi-dimensional array: an array of arrays that no element codec writes
     * as one element ({@code int[][]}, {@code String[][]}; a {@code byte[][]} is a one-dimensional {@code bytea[]}).
     */
    boolean nested(Class<?> valueClass, Codec<?> writer) {
        if (!valueClass.isArray()) {
            return false;
        }
        Class<?> component = valueClass.getComponentType();
        return component.isArray() && writing(Primitives.wrap(component), writer) == null;
    }

    /**
     * The dimension sizes of a parameter: one for a {@code List} or a one-dimensional array, one per level of an array
     * of arrays ({@link #nested}), which must be rectangular as PostgreSQL's arrays are (a {@link PgConversionException}
     * naming the level and the lengths otherwise).
     */
    int[] dimensions(Object value) {
        if (!nested(value.getClass(), null)) {
            return new int[] {asList(value).size()};
        }
        List<Integer> sizes = new ArrayList<>();
        Object level = value;
        while (true) {
            int n = Array.getLength(level);
            sizes.add(n);
            if (n == 0 || !nested(level.getClass(), null)) {
                break;
            }
            Object first = Array.get(level, 0);
            if (first == null) { // a null first sub-array: no size for its level (REVIEW-29 R29-10: it was taken for none)
                throw new PgConversionException("cannot write a null sub-array at level " + (sizes.size() + 1)
                        + " of a multi-dimensional " + arrayTypeName + " parameter: PostgreSQL's arrays are rectangular");
            }
            level = first;
        }
        int[] dims = sizes.stream().mapToInt(Integer::intValue).toArray();
        checkRectangular(value, dims, 0);
        return dims;
    }

    private void checkRectangular(Object array, int[] dims, int level) {
        if (array == null || Array.getLength(array) != dims[level]) {
            throw new PgConversionException("cannot write a " + (array == null ? "null sub-array" : "sub-array of length "
                    + Array.getLength(array)) + " at level " + (level + 1) + " of a multi-dimensional " + arrayTypeName
                    + " parameter whose first has " + dims[level] + ": PostgreSQL's arrays are rectangular");
        }
        if (level + 1 < dims.length) {
            for (int i = 0; i < dims[level]; i++) {
                checkRectangular(Array.get(array, i), dims, level + 1);
            }
        }
    }

    /** Whether a value can be read as {@code target}: {@code Object}, {@code Object[]}, a collection type, or {@code X[]} of a readable {@code X}. */
    boolean decodes(Class<?> target) {
        if (target == Object.class || target == Object[].class || target == List.class
                || target == Collection.class || target == Iterable.class) {
            return true;
        }
        return elementOf(target) != null;
    }

    /**
     * For an array class asked for, the class its elements are read as, through as many array levels as it has
     * dimensions ({@code Integer[][]}: {@code Integer}; {@code byte[][]} of a {@code bytea[]}: {@code byte[]}), or
     * {@code null} when no element codec reads any.
     */
    Class<?> elementOf(Class<?> target) {
        if (!target.isArray()) {
            return null;
        }
        Class<?> component = Primitives.wrap(target.getComponentType());
        if (reading(component) != null) {
            return component;
        }
        return component.isArray() ? elementOf(component) : null;
    }

    /** How many array levels of {@code target} are dimensions ({@link #elementOf}); 0 for {@code Object} and collections. */
    int dimensionsOf(Class<?> target) {
        if (target == Object.class || target == Object[].class || !target.isArray()) {
            return target == Object[].class ? 1 : 0;
        }
        Class<?> component = Primitives.wrap(target.getComponentType());
        return reading(component) != null ? 1 : 1 + dimensionsOf(component);
    }

    /** The codec reading elements as {@code component}, or a {@link PgConversionException}. */
    Codec<?> readerFor(Class<?> component) {
        Codec<?> codec = reading(component);
        if (codec == null) {
            throw new PgConversionException("no conversion from " + arrayTypeName + " elements to " + component.getName());
        }
        return codec;
    }

    /** Reads one non-NULL element with {@code codec} (from {@link #readerFor}). */
    Object element(Codec<?> codec, ByteBuf bytes, Class<?> component, int index) {
        Object item;
        try {
            item = codec.decode(bytes, format, component);
        } catch (PgProtocolException e) {
            throw malformed("element " + (index + 1) + ": " + e.getMessage());
        }
        if (item == null || !component.isInstance(item)) {
            throw new PgProtocolException(null, "codec " + codec.getClass().getName() + " did not read a "
                    + component.getName() + " from a " + arrayTypeName + " element");
        }
        return item;
    }

    /**
     * The class every element read as {@code Object} has, so that the array read as {@code Object} is an array of it
     * ({@link #shape}), or {@code null} when elements may come in different classes (the array is an {@code Object[]}).
     */
    Class<?> commonReadClass() {
        Codec<?> codec = reading(Object.class);
        if (codec == null) {
            return null;
        }
        Class<?> declared = codec.javaType();
        return ReadClasses.of(codec) == declared ? declared : null;
    }

    private Codec<?> reading(Class<?> component) {
        for (Codec<?> codec : codecs) {
            if (codec.decodes(format, component)) {
                return codec;
            }
        }
        return null;
    }

    /** The codec writing an element of this class: {@code writer} (chosen by the parameter's element class) first. */
    Codec<?> writing(Class<?> elementClass, Codec<?> writer) {
        if (writer != null && writer.encodes(elementClass)) {
            return writer;
        }
        for (Codec<?> codec : codecs) {
            if (codec.encodes(elementClass)) {
                return codec;
            }
        }
        return null;
    }

    /** The class elements are read as for {@code target}: its component type, or {@code Object}. */
    static Class<?> componentOf(Class<?> target) {
        if (target.isArray() && target != Object[].class) {
            return Primitives.wrap(target.getComponentType());
        }
        return Object.class;
    }

    /** The elements read ({@code null} for NULL) in the shape {@code target} asks for. */
    Object shape(Object[] items, Class<?> target, Class<?> component) {
        if (target == List.class || target == Collection.class || target == Iterable.class) {
            return Collections.unmodifiableList(Arrays.asList(items));
        }
        if (target == Object.class || target == Object[].class) {
            Class<?> common = reading(Object.class).javaType();
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
                    throw new PgConversionException("cannot read a " + arrayTypeName + " value with NULL elements as "
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

    /** A multi-dimensional array's elements in row-major order, the order of {@code array_send}'s and {@code array_out}'s. */
    private void flatten(Object array, List<Object> into) {
        boolean deeper = nested(array.getClass(), null);
        for (int i = 0, n = Array.getLength(array); i < n; i++) {
            Object item = Array.get(array, i);
            if (deeper) {
                if (item != null) {
                    flatten(item, into);
                }
            } else {
                into.add(item);
            }
        }
    }

    /**
     * The elements read ({@code null} for NULL, row-major) of a value of several dimensions in the shape {@code target}
     * asks for: as {@code Object} (or {@code Object[]}) nested arrays of the elements' class ({@code Integer[][]}; an
     * {@code Object[][]} when they differ in class), as {@code X[][]} nested arrays of {@code X} (primitive without NULLs),
     * as a collection nested unmodifiable lists.
     */
    Object shape(Object[] items, int[] dims, Class<?> target, Class<?> component) {
        if (target == List.class || target == Collection.class || target == Iterable.class) {
            return nestedList(items, dims, 0, new int[1]);
        }
        Class<?> innermost;
        if (target == Object.class || target == Object[].class) {
            innermost = reading(Object.class).javaType();
            for (Object item : items) {
                if (item != null && !innermost.isInstance(item)) {
                    innermost = Object.class;
                    break;
                }
            }
        } else {
            innermost = target;
            while (innermost.isArray()) {
                innermost = innermost.getComponentType();
            }
            if (!innermost.isPrimitive()) {
                innermost = component;
            }
        }
        Object array = Array.newInstance(innermost, dims);
        fill(array, items, dims, 0, new int[1], innermost);
        return array;
    }

    private List<?> nestedList(Object[] items, int[] dims, int level, int[] next) {
        Object[] level0 = new Object[dims[level]];
        for (int i = 0; i < level0.length; i++) {
            level0[i] = level + 1 < dims.length ? nestedList(items, dims, level + 1, next) : items[next[0]++];
        }
        return Collections.unmodifiableList(Arrays.asList(level0));
    }

    private void fill(Object array, Object[] items, int[] dims, int level, int[] next, Class<?> innermost) {
        for (int i = 0; i < dims[level]; i++) {
            if (level + 1 < dims.length) {
                fill(Array.get(array, i), items, dims, level + 1, next, innermost);
                continue;
            }
            Object item = items[next[0]++];
            if (item == null && innermost.isPrimitive()) {
                throw new PgConversionException("cannot read a " + arrayTypeName + " value with NULL elements as "
                        + innermost.getName() + " arrays; use " + Primitives.wrap(innermost).getSimpleName() + " arrays or List");
            }
            Array.set(array, i, item);
        }
    }

    /** A parameter's elements: a {@code List}, or a Java array (primitive ones boxed; an array of arrays flattened, {@link #nested}). */
    List<?> asList(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value != null && nested(value.getClass(), null)) {
            List<Object> flat = new ArrayList<>();
            flatten(value, flat);
            return flat;
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
                + " parameter as " + arrayTypeName);
    }

    /** The codec writing {@code element} (a class change looks it up again), or a {@link PgConversionException}. */
    Codec<?> writerFor(Class<?> elementClass, Codec<?> writer) {
        Codec<?> codec = writing(elementClass, writer);
        if (codec == null) {
            throw new PgConversionException("cannot write a " + elementClass.getName() + " element in a "
                    + arrayTypeName + " parameter");
        }
        return codec;
    }

    PgProtocolException malformed(String what) {
        return new PgProtocolException(null, "malformed " + arrayTypeName + " value from the server: " + what);
    }
}
