package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.util.Map;

/**
 * Reads a binary value as the {@code String} PostgreSQL would have sent in text ({@link TextForms}):
 * decodes it with the type's codec, then renders it. Only for columns asked for as {@code String} whose
 * codec does not read {@code String} itself.
 */
final class TextFormCodec implements Codec<Object> {

    private final Codec<?> codec;
    private final int oid;
    private final int elementOid;

    /**
     * @param elementOid for an array type, its element type ({@code 0} otherwise)
     */
    TextFormCodec(Codec<?> codec, int oid, int elementOid) {
        this.codec = codec;
        this.oid = oid;
        this.elementOid = elementOid;
    }

    @Override
    public PgType type() {
        return codec.type();
    }

    @Override
    public Class<?> javaType() {
        return String.class;
    }

    @Override
    public Format format() {
        return Format.BINARY;
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return false;
    }

    @Override
    public boolean decodes(Format format, Class<?> target) {
        return format == Format.BINARY && (target == String.class || target == CharSequence.class);
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        throw new PgConversionException("the text form of " + codec.type().name() + " is read only");
    }

    @Override
    public Object decode(ByteBuf value, Format format, Class<?> target) {
        Object decoded = codec.decode(value, Format.BINARY, Object.class);
        if (elementOid != 0) {
            return TextForms.renderArray((Object[]) decoded, item -> item instanceof Map<?, ?> map ? TextForms.hstore(map)
                    : item instanceof float[] vector ? TextForms.vector(vector)
                    : item instanceof PgVector vector ? TextForms.vector(vector.elements()) : TextForms.render(elementOid, item));
        }
        if (decoded instanceof Map<?, ?> map) {
            return TextForms.hstore(map);
        }
        return TextForms.render(oid, decoded);
    }
}
