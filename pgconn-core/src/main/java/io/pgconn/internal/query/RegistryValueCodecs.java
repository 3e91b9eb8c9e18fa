package io.pgconn.internal.query;

import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.Decoder;
import io.pgconn.codec.Encoder;
import io.pgconn.codec.Format;
import io.pgconn.codec.Oids;
import io.pgconn.codec.SendableText;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.RowMetadata;

import java.nio.charset.StandardCharsets;

/**
 * {@link ValueCodecs} over a connection's bound {@link CodecRegistry}: binary where a codec reads
 * the type in binary, text otherwise. One exception to the registry's choice: a {@code String}
 * parameter the built-in text codec would send is sent as text of unspecified type, so the server
 * types it from the statement ({@code WHERE id = $1} with {@code "42"} on an int column, a JSON
 * string into a jsonb column) as libpq and pgjdbc's {@code stringtype=unspecified} do.
 */
public final class RegistryValueCodecs implements ValueCodecs {

    private final CodecRegistry registry;
    /** Whether a user registered a codec for String that should win over sending text untyped (the registry is immutable). */
    private final boolean userStringCodec;
    private LastEncoder lastEncoder;

    public RegistryValueCodecs(CodecRegistry registry) {
        this.registry = registry;
        this.userStringCodec = registry.encoder("").oid() != Oids.TEXT;
    }

    public CodecRegistry registry() {
        return registry;
    }

    @Override
    public Encoded encode(Object value, int typeOid) {
        return encode(value, typeOid, Long.MAX_VALUE);
    }

    /**
     * A value known to take more than {@code maxBytes} is not encoded at all (an {@link Encoded} without bytes): a String
     * of more than 1 GB in UTF-8 cost its whole encoding before the Bind's count refused it (session 22), an array or
     * hstore map of it until session 23.
     */
    @Override
    public Encoded encode(Object value, int typeOid, long maxBytes) {
        // the fast path of a String; one holding U+0000 (user3's F12) or an unpaired surrogate (which getBytes would
        // send as '?', session 21) goes to the text codec, which refuses it
        if (value instanceof String s && (typeOid == Oids.UNSPECIFIED || typeOid == Oids.TEXT) && !userStringCodec
                && s.indexOf('\0') < 0 && SendableText.unpairedSurrogate(s) < 0) {
            return new Encoded(typeOid, Format.TEXT.code(),
                    SendableText.utf8LongerThan(s, maxBytes) ? null : s.getBytes(StandardCharsets.UTF_8));
        }
        Encoder encoder = encoderFor(value);
        if (typeOid != Oids.UNSPECIFIED && encoder.oid() != typeOid) {
            encoder = registry.encoder(typeOid, value); // another parameter set fixed the type
        }
        return new Encoded(encoder.oid(), encoder.format().code(),
                encoder.knownLongerThan(value, maxBytes) ? null : encoder.encode(value));
    }

    @Override
    public String typeName(int typeOid) {
        return typeOid == Oids.UNSPECIFIED ? ValueCodecs.super.typeName(typeOid) : registry.typeName(typeOid);
    }

    /**
     * The registry's encoder for the value's class, the last class's without a lookup: most
     * statements bind the same classes again and again. A List's or an Object[]'s encoder depends on
     * its elements, so those always ask the registry.
     */
    private Encoder encoderFor(Object value) {
        Class<?> type = value.getClass();
        LastEncoder known = lastEncoder;
        if (known != null && known.type() == type) {
            return known.encoder();
        }
        Encoder encoder = registry.encoder(value);
        if (!(value instanceof java.util.List) && type != Object[].class) {
            lastEncoder = new LastEncoder(type, encoder);
        }
        return encoder;
    }

    /** One immutable pair: threads encoding at once may replace it, never see half of one. */
    private record LastEncoder(Class<?> type, Encoder encoder) {
    }

    @Override
    public int typeOidOf(Class<?> type) {
        // the registry's codec for the class (a user's too); a String NULL stays untyped like String values
        int oid = type == String.class || type.isPrimitive() ? 0 : registry.parameterOid(type);
        return oid != 0 ? oid : TextValueCodecs.INSTANCE.typeOidOf(type);
    }

    @Override
    public short resultFormat(int typeOid) {
        return registry.resultFormat(typeOid).code();
    }

    @Override
    public RowDecoder rowDecoder(RowMetadata metadata, String host) {
        return new ColumnDecoders(registry, metadata, host);
    }

    /**
     * The decoders of one description's columns, resolved on first use per column and Java type and
     * then reused by every row. Threads reading rows of the same statement share {@code last} without
     * locks: a thread may miss another's entry (and resolve again) but never sees a half-built one,
     * since {@link Resolved} and {@link Decoder} have only final fields and codecs are immutable (the
     * rule of the {@link io.pgconn.codec.Codec} SPI).
     */
    private static final class ColumnDecoders implements RowDecoder {

        private final CodecRegistry registry;
        private final RowMetadata metadata;
        private final String host;
        private final Resolved[] last;

        /** Per column: its OID when the built-in codec reads it and a row may read its bytes itself, else 0 ({@link #plainOid}). */
        private final int[] plain;

        ColumnDecoders(CodecRegistry registry, RowMetadata metadata, String host) {
            this.registry = registry;
            this.metadata = metadata;
            this.host = host;
            this.last = new Resolved[metadata.size()];
            this.plain = new int[metadata.size()];
            for (int i = 0; i < plain.length; i++) {
                plain[i] = plainOid(registry, metadata.column(i));
            }
        }

        /** {@link #plainOid}'s answer for {@code column}: decided once per description, from the registry's choice of codec. */
        private static int plainOid(CodecRegistry registry, io.pgconn.query.ColumnMetadata column) {
            int oid = column.typeOid();
            boolean binary = column.format() == Format.BINARY.code();
            try {
                return switch (oid) {
                    case Oids.INT2, Oids.INT4 -> binary && builtin(registry, oid, Long.class, Format.BINARY)
                            && builtin(registry, oid, Integer.class, Format.BINARY) ? oid : 0;
                    case Oids.INT8 -> binary && builtin(registry, oid, Long.class, Format.BINARY) ? oid : 0;
                    case Oids.FLOAT8 -> binary && builtin(registry, oid, Double.class, Format.BINARY) ? oid : 0;
                    case Oids.BOOL -> binary && builtin(registry, oid, Boolean.class, Format.BINARY) ? oid : 0;
                    // the text codec reads both formats as the UTF-8 bytes they are
                    case Oids.TEXT, Oids.VARCHAR -> builtin(registry, oid, String.class, Format.ofCode(column.format())) ? oid : 0;
                    default -> 0;
                };
            } catch (RuntimeException e) {
                return 0; // no codec: the codec path reports it when the column is read
            }
        }

        /** Whether the registry reads {@code oid} in {@code format} as {@code type} with a built-in codec (no user codec took it). */
        private static boolean builtin(CodecRegistry registry, int oid, Class<?> type, Format format) {
            return registry.decoder(oid, format, type).builtin();
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public int plainOid(int index) {
            return plain[index];
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T decode(DataRow row, int index, int offset, int length, ValueView views, Class<T> type) {
            Resolved resolved = last[index];
            if (resolved == null || resolved.requested() != type) {
                var column = metadata.column(index);
                // the registry maps a primitive class to its wrapper itself
                Decoder decoder = registry.decoder(column.typeOid(), Format.ofCode(column.format()), type);
                resolved = new Resolved(type, decoder, decoder.readsArrays());
                last[index] = resolved;
            }
            Decoder decoder = resolved.decoder();
            return (T) (resolved.readsArrays() ? decoder.decode(row.data(), offset, length) : decoder.decode(views.view(offset, length)));
        }
    }

    /**
     * A column's decoder for the class a caller asked for, and whether it reads the row's array (no
     * buffer view); one immutable object, so racy publication stays consistent.
     */
    private record Resolved(Class<?> requested, Decoder decoder, boolean readsArrays) {
    }
}
