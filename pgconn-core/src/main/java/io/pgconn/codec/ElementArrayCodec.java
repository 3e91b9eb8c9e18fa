package io.pgconn.codec;

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
