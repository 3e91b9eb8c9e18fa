package io.pgconn.codec;

/**
 * A codec for an array type made from its element type's codecs: {@link ArrayCodec} (binary
 * {@code array_send} form, elements in binary) or {@link TextArrayCodec} ({@code array_out} text form,
 * elements in text). The registry finds one by element OID to send a Java array or {@code List}.
 */
sealed interface ElementArrayCodec extends Codec<Object> permits ArrayCodec, TextArrayCodec {

    /** The element type's OID (for a named type, the one its connection discovered). */
    int elementOid();

    /** The same array type, writing its elements with {@code element} (chosen by the parameter's element class). */
    ElementArrayCodec writingWith(Codec<?> element);
}
