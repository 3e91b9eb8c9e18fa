package io.pgconn.codec;

import java.util.Objects;

/**
 * The result side of a {@link CodecRegistry}: which codec reads a column's type OID in a format as a Java class, the
 * format to ask for, and what a type without a codec reads as (text: {@code String}; binary: {@code byte[]}; a binary
 * built-in type asked for as {@code String}: the server's text output, {@link TextForms}). Apart from the parameter
 * side ({@link ParameterEncoders}) and from how named types are bound ({@link NamedTypeBinding}): this one only asks the
 * table of codecs by OID. Immutable; one per (bound) registry.
 */
final class ResultDecoders {

    /** What a read of a type without a codec as anything but String is told. */
    private static final String WITHOUT_CODEC = "; a type without a codec (an extension's such as pgvector's halfvec"
            + " or sparsevec, an enum) reads as String, its text: read it as String, or cast it in the SQL to a type"
            + " pgconn reads (::vector, ::real[], ::text)";

    private final CodecsByOid byOid;

    ResultDecoders(CodecsByOid byOid) {
        this.byOid = byOid;
    }

    /** See {@link CodecRegistry#resultFormat(int)}. */
    Format resultFormat(int oid) {
        for (Codec<?> codec : codecs(oid)) {
            if (codec.format() == Format.BINARY) {
                return Format.BINARY;
            }
        }
        return Format.TEXT;
    }

    /** See {@link CodecRegistry#decoder(int, Format, Class)}. */
    Decoder decoder(int oid, Format format, Class<?> target) {
        Objects.requireNonNull(format, "format");
        Class<?> wanted = Primitives.wrap(Objects.requireNonNull(target, "target"));
        Codec<?>[] codecs = codecs(oid);
        for (Codec<?> codec : codecs) {
            if (codec.decodes(format, wanted)) {
                return new Decoder(codec, oid, format, wanted, codec.type().name());
            }
        }
        String typeName = typeName(oid);
        if (format == Format.BINARY && (wanted == String.class || wanted == CharSequence.class)) {
            Codec<?> textForm = textForm(oid, codecs);
            if (textForm != null) {
                return new Decoder(textForm, oid, format, wanted, typeName);
            }
        }
        if (codecs.length == 0 || format == Format.TEXT) {
            if (format == Format.TEXT && TextFallbackCodec.INSTANCE.decodes(format, wanted)) {
                return new Decoder(TextFallbackCodec.INSTANCE, oid, format, wanted, typeName);
            }
            if (format == Format.BINARY && RawBytesCodec.INSTANCE.decodes(format, wanted)) {
                return new Decoder(RawBytesCodec.INSTANCE, oid, format, wanted, typeName);
            }
        }
        throw new PgConversionException("no codec reads " + typeName + " (" + format.name().toLowerCase()
                + " format) as " + wanted.getName()
                + (codecs.length == 0 ? format == Format.BINARY ? "; request text format for this type" : WITHOUT_CODEC : ""));
    }

    /**
     * A binary built-in type asked for as String: its value rendered as the server's text output (see
     * TextForms), when there is a rendering for it; user codecs' types are not rendered. (A scalar
     * vector reads String itself, VectorCodec; arrays of vector are rendered here.)
     */
    private Codec<?> textForm(int oid, Codec<?>[] codecs) {
        for (Codec<?> codec : codecs) {
            if (!codec.decodes(Format.BINARY, Object.class)) {
                continue;
            }
            if (codec instanceof ArrayCodec array) {
                int element = array.elementOid();
                Codec<?> first = array.elements.first();
                // a domain's array: its elements carry the domain's OID and are rendered as its base type's
                int rendered = TextForms.supports(element) || first == null || !TextForms.supports(first.type().oid()) ? element
                        : first.type().oid();
                boolean renders = TextForms.supports(rendered) || first instanceof HstoreCodec || first instanceof VectorCodec;
                return renders ? new TextFormCodec(codec, oid, rendered) : null;
            }
            if (codec instanceof HstoreCodec) {
                return new TextFormCodec(codec, oid, 0);
            }
            return codec instanceof BaseCodec<?> && TextForms.supports(codec.type().oid()) ? new TextFormCodec(codec, codec.type().oid(), 0) : null;
        }
        return null;
    }

    /** See {@link CodecRegistry#javaType(int, Format)}. */
    Class<?> javaType(int oid, Format format) {
        Decoder decoder;
        try {
            decoder = decoder(oid, format, Object.class);
        } catch (PgConversionException e) {
            return Object.class;
        }
        return ReadClasses.of(decoder.codec());
    }

    /** See {@link CodecRegistry#typeName(int)}. */
    String typeName(int oid) {
        Codec<?>[] codecs = codecs(oid);
        return codecs.length > 0 ? codecs[0].type().name() : "type oid " + Integer.toUnsignedString(oid);
    }

    /** The codecs of {@code oid}, in the order they are asked. */
    Codec<?>[] codecs(int oid) {
        return byOid.get(oid);
    }
}
