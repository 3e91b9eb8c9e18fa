package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Arrays of an element type whose codec is a text one (a user's codec for an enum, a domain, a composite in its text
 * form ..., and the labels of an enum without a codec), in {@code array_in}/{@code array_out}'s text form:
 * {@code {a,"b c",NULL}}, {@code {{a,b},{c,NULL}}}. The binary array form would carry each element in its type's binary
 * form, which a text codec does not write; so the array travels as text, and each element goes through the element
 * codec as the text the server would send or accept for it.
 *
 * <p>Written with every element double-quoted ({@code "} and {@code \} escaped by a backslash) and NULL as
 * {@code NULL}, a rectangular array of arrays as nested braces; read as {@code array_out} writes it (elements quoted when
 * they need it, an unquoted {@code NULL} is NULL), whitespace around elements and a leading dimension decoration
 * ({@code [0:1]=}, lower bounds other than 1) are passed over. Elements are separated by the element type's delimiter,
 * {@code ,} for every built-in type except {@code box} ({@code ;}); a domain has its base type's, and a type created with
 * {@code DELIMITER} its own (PostGIS' {@code :}), which the session's lookup gives ({@code CodecRegistry.delimiterKey}).
 * The shapes read are {@link ArrayCodec}'s ({@link ArrayElements}): a value of several
 * dimensions (up to PostgreSQL's 6) as nested arrays or lists, a jagged literal is malformed (session 29; until then
 * a {@link PgConversionException} both ways).
 */
final class TextArrayCodec extends ElementArrayCodec {

    /** PostgreSQL's MAXDIM. */
    private static final int MAX_DIMENSIONS = 6;

    /** Between elements: the element type's {@code typdelim}, {@code ,} for every built-in type but {@code box} ({@code ;}). */
    private final byte delimiter;

    /**
     * @param elements the element type's codecs, in lookup order (all text)
     */
    TextArrayCodec(PgType type, int elementOid, Codec<?>[] elements) {
        this(type, elementOid, elements, (byte) ',');
    }

    /** @param delimiter the element type's {@code typdelim} */
    TextArrayCodec(PgType type, int elementOid, Codec<?>[] elements, byte delimiter) {
        this(type, elementOid, new ArrayElements(type.name(), Format.TEXT, elements), null, delimiter);
    }

    private TextArrayCodec(PgType type, int elementOid, ArrayElements elements, Codec<?> writer, byte delimiter) {
        super(type, elementOid, Format.TEXT, elements, writer);
        this.delimiter = delimiter;
    }

    @Override
    public TextArrayCodec writingWith(Codec<?> element) {
        return new TextArrayCodec(type, elementOid, elements, element, delimiter);
    }

    // ---------------------------------------------------------------- decode

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        int end = value.writerIndex();
        int i = skipSpaces(value, value.readerIndex(), end);
        if (i < end && value.getByte(i) == '[') { // [lower:upper]... = before lower bounds other than 1
            int equals = value.indexOf(i, end, (byte) '=');
            if (equals < 0) {
                throw elements.malformed("dimension decoration without '='");
            }
            i = skipSpaces(value, equals + 1, end);
        }
        if (i >= end || value.getByte(i) != '{') {
            throw elements.malformed("it does not start with '{'");
        }
        int ndim = dimensions(value, i, end);
        boolean anyShape = target == Object.class || target == Object[].class || target == List.class
                || target == Collection.class || target == Iterable.class;
        int wanted = anyShape ? ndim : elements.dimensionsOf(target);
        if (ndim > 0 && wanted != ndim) {
            throw new PgConversionException("cannot read a " + ndim + "-dimensional " + type.name() + " value as "
                    + target.getSimpleName() + ": read it as an array of " + ndim + " dimension" + (ndim == 1 ? "" : "s")
                    + ", as Object or as List");
        }
        Class<?> component = ndim > 1 && !anyShape ? elements.elementOf(target) : ArrayElements.componentOf(target);
        boolean emptyNested = ndim == 0 && wanted > 1; // {} asked for as Ltree[][]: no element is read
        Codec<?> codec = emptyNested ? null : elements.readerFor(component);
        List<Object> items = new ArrayList<>();
        int[] dims = new int[ndim];
        i = level(value, i, end, 0, dims, codec, component, items);
        if (skipSpaces(value, i, end) != end) {
            throw elements.malformed("text after the closing '}'");
        }
        if (emptyNested) {
            return Array.newInstance(target.getComponentType(), 0);
        }
        Object[] read = items.toArray();
        return ndim > 1 ? elements.shape(read, dims, target, component) : elements.shape(read, target, component);
    }

    /**
     * The number of dimensions of the literal whose first brace is at {@code start}: its leading braces ({@code array_out}
     * quotes an element that starts with one), 0 for the empty array {@code {}}.
     */
    private int dimensions(ByteBuf value, int start, int end) {
        int ndim = 0;
        int i = start;
        while (i < end && value.getByte(i) == '{') {
            ndim++;
            i = skipSpaces(value, i + 1, end);
        }
        if (ndim == 1 && i < end && value.getByte(i) == '}') {
            return 0;
        }
        if (ndim > MAX_DIMENSIONS) {
            throw elements.malformed(ndim + " dimensions (PostgreSQL's arrays have at most " + MAX_DIMENSIONS + ")");
        }
        return ndim;
    }

    /**
     * One level of the literal from its opening brace at {@code start}: its sub-arrays (above the last dimension) or its
     * elements, each level's length checked against the first one of that level read (PostgreSQL's arrays are
     * rectangular); returns the index after its closing brace. Elements are gathered as they are read, row-major.
     */
    private int level(ByteBuf value, int start, int end, int depth, int[] dims, Codec<?> codec, Class<?> component,
                      List<Object> items) {
        int i = skipSpaces(value, start + 1, end);
        if (dims.length == 0) { // the empty array {}
            return i + 1;
        }
        int count = 0;
        while (true) {
            if (i >= end) {
                throw elements.malformed("it ends inside the array");
            }
            byte first = value.getByte(i);
            if (depth + 1 < dims.length) {
                if (first != '{') {
                    throw elements.malformed("an element where a sub-array of dimension " + (depth + 2) + " belongs");
                }
                i = level(value, i, end, depth + 1, dims, codec, component, items);
            } else if (first == '{') {
                throw elements.malformed("a sub-array where an element of dimension " + dims.length + " belongs");
            } else {
                i = first == '"' ? quoted(value, i, end, codec, component, items) : unquoted(value, i, end, codec, component, items);
            }
            count++;
            i = skipSpaces(value, i, end);
            if (i >= end) {
                throw elements.malformed("it ends after element " + items.size());
            }
            byte next = value.getByte(i++);
            if (next == '}') {
                break;
            }
            if (next != delimiter) {
                throw elements.malformed("unexpected '" + (char) next + "' after element " + items.size());
            }
            i = skipSpaces(value, i, end);
        }
        if (dims[depth] == 0) {
            dims[depth] = count;
        } else if (dims[depth] != count) {
            throw elements.malformed("sub-arrays of dimension " + (depth + 1) + " have " + dims[depth] + " and " + count
                    + " elements (arrays are rectangular)");
        }
        return i;
    }

    /** A quoted element from {@code start} (its opening quote); returns the index after its closing quote. */
    private int quoted(ByteBuf value, int start, int end, Codec<?> codec, Class<?> component, List<Object> items) {
        int i = start + 1;
        boolean escaped = false;
        while (i < end && value.getByte(i) != '"') {
            if (value.getByte(i) == '\\') {
                escaped = true;
                i++;
            }
            i++;
        }
        if (i >= end) {
            throw elements.malformed("element " + (items.size() + 1) + " has no closing quote");
        }
        ByteBuf text = escaped ? unescape(value, start + 1, i) : value.slice(start + 1, i - start - 1);
        items.add(elements.element(codec, text, component, items.size()));
        return i + 1;
    }

    /** An unquoted element (or NULL) from {@code start}; returns the index of the delimiter or brace after it. */
    private int unquoted(ByteBuf value, int start, int end, Codec<?> codec, Class<?> component, List<Object> items) {
        int i = start;
        int last = start; // after the last byte that is not a trailing space
        boolean escaped = false;
        while (i < end) {
            byte b = value.getByte(i);
            if (b == delimiter || b == '}' || b == '{' || b == '"') {
                break;
            }
            if (b == '\\') {
                escaped = true;
                i += 2;
                last = Math.min(i, end);
                continue;
            }
            i++;
            if (!isSpace(b)) {
                last = i;
            }
        }
        if (i < end && (value.getByte(i) == '{' || value.getByte(i) == '"')) {
            throw elements.malformed("unexpected '" + (char) value.getByte(i) + "' in element " + (items.size() + 1));
        }
        if (last == start) {
            throw elements.malformed("element " + (items.size() + 1) + " is empty");
        }
        if (!escaped && last - start == 4 && value.toString(start, 4, StandardCharsets.US_ASCII).equalsIgnoreCase("NULL")) {
            items.add(null);
            return i;
        }
        ByteBuf text = escaped ? unescape(value, start, last) : value.slice(start, last - start);
        items.add(elements.element(codec, text, component, items.size()));
        return i;
    }

    /** The bytes from {@code from} to {@code to} with each backslash escape replaced by the byte it escapes. */
    private static ByteBuf unescape(ByteBuf value, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = value.getByte(i);
            if (b == '\\' && i + 1 < to) {
                b = value.getByte(++i);
            }
            out[n++] = b;
        }
        return Unpooled.wrappedBuffer(out, 0, n);
    }

    private static int skipSpaces(ByteBuf value, int from, int end) {
        int i = from;
        while (i < end && isSpace(value.getByte(i))) {
            i++;
        }
        return i;
    }

    /** array_in's scanner_isspace: space, tab, newline, carriage return, vertical tab, form feed. */
    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
    }

    // ---------------------------------------------------------------- encode

    /** The braces; one separator fewer than elements, so one is taken back here from what the elements count. */
    @Override
    long formBytes(long n) {
        return n == 0 ? 2 : 1;
    }

    /** {@code NULL} and its separator. */
    @Override
    int nullBytes() {
        return 5;
    }

    /** The quotes around it and its separator (escapes only add to it). */
    @Override
    int elementFraming() {
        return 3;
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        List<?> list = elements.asList(value);
        int[] dims = elements.nested(value.getClass(), null) ? elements.dimensions(value) : new int[] {list.size()};
        if (list.isEmpty()) {
            dims = new int[0];
        }
        if (dims.length > MAX_DIMENSIONS) {
            throw new PgConversionException("cannot write a " + dims.length + "-dimensional " + type.name()
                    + " parameter: PostgreSQL's arrays have at most " + MAX_DIMENSIONS + " dimensions");
        }
        if (dims.length == 0) {
            out.writeByte('{').writeByte('}');
            return;
        }
        writeLevel(list.iterator(), dims, 0, out, new Codec<?>[1], new Class<?>[1]);
    }

    /**
     * One level of {@code dims} in braces from the row-major elements: sub-arrays above the last dimension, else each
     * element double-quoted ({@code NULL} unquoted); the element codec is looked up again when the class changes.
     */
    @SuppressWarnings("unchecked")
    private void writeLevel(Iterator<?> items, int[] dims, int depth, ByteBuf out, Codec<?>[] lastCodec,
                            Class<?>[] lastClass) {
        out.writeByte('{');
        for (int j = 0; j < dims[depth]; j++) {
            if (j > 0) {
                out.writeByte(delimiter);
            }
            if (depth + 1 < dims.length) {
                writeLevel(items, dims, depth + 1, out, lastCodec, lastClass);
                continue;
            }
            Object item = items.next();
            if (item == null) {
                out.writeCharSequence("NULL", StandardCharsets.US_ASCII);
                continue;
            }
            if (item.getClass() != lastClass[0]) {
                lastClass[0] = item.getClass();
                lastCodec[0] = elements.writerFor(lastClass[0], writer);
            }
            out.writeByte('"');
            int from = out.writerIndex();
            ((Codec<Object>) lastCodec[0]).encode(item, out);
            escapeFrom(out, from);
            out.writeByte('"');
        }
        out.writeByte('}');
    }

    /** Puts a backslash before every {@code "} and {@code \} written since {@code from} (rare: copied only then). */
    private static void escapeFrom(ByteBuf out, int from) {
        int to = out.writerIndex();
        int specials = 0;
        for (int i = from; i < to; i++) {
            byte b = out.getByte(i);
            if (b == '"' || b == '\\') {
                specials++;
            }
        }
        if (specials == 0) {
            return;
        }
        byte[] raw = new byte[to - from];
        out.getBytes(from, raw);
        out.writerIndex(from);
        out.ensureWritable(raw.length + specials);
        for (byte b : raw) {
            if (b == '"' || b == '\\') {
                out.writeByte('\\');
            }
            out.writeByte(b);
        }
    }

    @Override
    public String toString() {
        return "TextArrayCodec[" + type.name() + "]";
    }
}
