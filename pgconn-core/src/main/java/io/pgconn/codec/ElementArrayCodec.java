package io.pgconn.codec;

import java.lang.reflect.Array;
import java.util.List;

/**
 * A codec for an array type made from its element type's codecs: {@link ArrayCodec} (binary
 * {@code array_send} form, elements in binary) or {@link TextArrayCodec} ({@code array_out} text form,
 * elements in text). The registry finds one by element OID to send a Java array or {@code List}.
 * What both forms share (the element codecs, which Java classes they write and read) is here; each
 * subclass reads and writes its form.
 */
abstract sealed class ElementArrayCodec implements Codec<Object> permits ArrayCodec, TextArrayCodec {

    final PgType type;
    final int elementOid;
    final ArrayElements elements;
    /** The element codec chosen for a parameter's element class, or null to choose per element. */
    final Codec<?> writer;
    private final Format format;

    ElementArrayCodec(PgType type, int elementOid, Format format, ArrayElements elements, Codec<?> writer) {
        this.type = type;
        this.elementOid = elementOid;
        this.format = format;
        this.elements = elements;
        this.writer = writer;
    }

    /** The same array type, writing its elements with {@code element} (chosen by the parameter's element class). */
    abstract ElementArrayCodec writingWith(Codec<?> element);

    /** The bytes of this form around {@code n} elements, besides what each element takes. */
    abstract long formBytes(long n);

    /** The bytes a NULL element takes in this form, its separator included. */
    abstract int nullBytes();

    /** The bytes a non-null element takes in this form besides its own (its length word, or separator and quotes). */
    abstract int elementFraming();

    /**
     * Whether {@link #encode} would write more than {@code maxBytes} for {@code value}, known without writing it
     * ({@link Encoder#knownLongerThan}): the form's bytes and each element's framing, then what each element's codec
     * knows it writes at least ({@link BaseCodec#leastBytes}: a fixed-size type's size, a text's chars, a bytea's
     * length; nothing for a codec of one's own), added up element by element until they pass {@code maxBytes} — a
     * {@code List} whose size alone passes it is judged from its size, a primitive array from its length and its
     * type's size. Until session 23 an array was encoded whole before the Bind's count refused it.
     */
    final boolean longerThan(Object value, long maxBytes) {
        Class<?> valueClass = value.getClass();
        if (valueClass.isArray() && valueClass.getComponentType().isPrimitive()) {
            int n = Array.getLength(value);
            if (n == 0) {
                return formBytes(0) > maxBytes;
            }
            Object first = Array.get(value, 0); // every element of a primitive array takes its type's size
            long each = elementFraming() + BaseCodec.leastBytesOf(elements.writerFor(first.getClass(), writer), first);
            return formBytes(n) + n * each > maxBytes;
        }
        List<?> list = elements.asList(value);
        long n = list.size();
        int base = Math.min(nullBytes(), elementFraming());
        long least = formBytes(n) + n * base;
        if (least > maxBytes) {
            return true;
        }
        Class<?> lastClass = null;
        Codec<?> lastCodec = null;
        for (Object item : list) {
            if (item == null) {
                least += nullBytes() - base;
            } else {
                if (item.getClass() != lastClass) {
                    lastClass = item.getClass();
                    lastCodec = elements.writerFor(lastClass, writer);
                }
                least += elementFraming() - base + BaseCodec.leastBytesOf(lastCodec, item);
            }
            if (least > maxBytes) {
                return true;
            }
        }
        return false;
    }

    /** The element type's OID (for a named type, the one its connection discovered). */
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
        return format;
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return elements.encodes(valueClass, writer);
    }

    /**
     * In this codec's form only, and not as {@code String} from the text form: that is the array's text
     * itself, which the registry's text fallback gives.
     */
    @Override
    public boolean decodes(Format format, Class<?> target) {
        return format == this.format && elements.decodes(target);
    }
}
