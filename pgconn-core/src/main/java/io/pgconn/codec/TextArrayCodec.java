package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One-dimensional arrays of an element type whose codec is a text one (a user's codec for an enum, a
 * domain, a composite in its text form ...), in {@code array_in}/{@code array_out}'s text form:
 * {@code {a,"b c",NULL}}. The binary array form would carry each element in its type's binary form,
 * which a text codec does not write; so the array travels as text, and each element goes through the
 * element codec as the text the server would send or accept for it.
 *
 * <p>Written with every element double-quoted ({@code "} and {@code \} escaped by a backslash) and
 * NULL as {@code NULL}; read as {@code array_out} writes it (elements quoted when they need it, an
 * unquoted {@code NULL} is NULL), whitespace around elements and a leading dimension decoration
 * ({@code [0:1]=}, lower bounds other than 1) are passed over. Elements are separated by {@code ,},
 * the delimiter of every type except {@code box}. The shapes read are {@link ArrayCodec}'s
 * ({@link ArrayElements}); more than one dimension is a {@link PgConversionException}.
 */
final class TextArrayCodec extends ElementArrayCodec {

    /**
     * @param elements the element type's codecs, in lookup order (all text)
     */
    TextArrayCodec(PgType type, int elementOid, Codec<?>[] elements) {
        this(type, elementOid, new ArrayElements(type.name(), Format.TEXT, elements), null);
    }

    private TextArrayCodec(PgType type, int elementOid, ArrayElements elements, Codec<?> writer) {
        super(type, elementOid, Format.TEXT, elements, writer);
    }

    @Override
    public TextArrayCodec writingWith(Codec<?> element) {
        return new TextArrayCodec(type, elementOid, elements, element);
    }

    // ---------------------------------------------------------------- decode

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        Class<?> component = ArrayElements.componentOf(target);
        Codec<?> codec = elements.readerFor(component);
        int end = value.writerIndex();
        int i = skipSpaces(value, value.readerIndex(), end);
        if (i < end && value.getByte(i) == '[') { // [lower:upper]= before a lower bound other than 1
            int equals = value.indexOf(i, end, (byte) '=');
            if (equals < 0) {
                throw elements.malformed("dimension decoration without '='");
            }
            i = skipSpaces(value, equals + 1, end);
        }
        if (i >= end || value.getByte(i) != '{') {
            throw elements.malformed("it does not start with '{'");
        }
        List<Object> items = new ArrayList<>();
        i = skipSpaces(value, i + 1, end);
        if (i < end && value.getByte(i) == '}') {
            i++;
        } else {
            while (true) {
                if (i >= end) {
                    throw elements.malformed("it ends inside the array");
                }
                byte first = value.getByte(i);
                if (first == '{') {
                    throw new PgConversionException("cannot read a multi-dimensional " + type.name()
                            + " value: only one-dimensional arrays are supported");
                }
                i = first == '"' ? quoted(value, i, end, codec, component, items) : unquoted(value, i, end, codec, component, items);
                i = skipSpaces(value, i, end);
                if (i >= end) {
                    throw elements.malformed("it ends after element " + items.size());
                }
                byte next = value.getByte(i++);
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw elements.malformed("unexpected '" + (char) next + "' after element " + items.size());
                }
                i = skipSpaces(value, i, end);
            }
        }
        if (skipSpaces(value, i, end) != end) {
            throw elements.malformed("text after the closing '}'");
        }
        return elements.shape(items.toArray(), target, component);
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
            if (b == ',' || b == '}' || b == '{' || b == '"') {
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
    @SuppressWarnings("unchecked")
    public void encode(Object value, ByteBuf out) {
        if (elements.nested(value.getClass(), null)) {
            throw new PgConversionException("cannot write a multi-dimensional " + type.name() + " parameter: arrays of"
                    + " a text-format element type are one-dimensional here (arrays of binary element types are not)");
        }
        List<?> list = elements.asList(value);
        out.writeByte('{');
        Class<?> lastClass = null;
        Codec<Object> lastCodec = null;
        boolean first = true;
        for (Object item : list) {
            if (!first) {
                out.writeByte(',');
            }
            first = false;
            if (item == null) {
                out.writeCharSequence("NULL", StandardCharsets.US_ASCII);
                continue;
            }
            if (item.getClass() != lastClass) {
                lastClass = item.getClass();
                lastCodec = (Codec<Object>) elements.writerFor(lastClass, writer);
            }
            out.writeByte('"');
            int from = out.writerIndex();
            lastCodec.encode(item, out);
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
