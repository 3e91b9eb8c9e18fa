package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.pgconn.FatalErrors;

/**
 * A codec chosen for a parameter, with the OID it is sent as on this connection. Obtained from
 * {@link CodecRegistry#encoder(Object)} or {@link CodecRegistry#encoder(int, Object)}; the protocol layer
 * puts {@link #oid()} in Parse, {@link #format()} in Bind's format codes, and the bytes
 * {@link #encode} writes after the value's length.
 */
public final class Encoder {

    private final Codec<Object> codec;
    private final int oid;
    private final Format format;
    /** The codec when it is a built-in one, whose fixed-size and text values are written without a buffer. */
    private final BaseCodec<Object> builtin;

    @SuppressWarnings("unchecked")
    Encoder(Codec<?> codec, int oid, Format format) {
        this.codec = (Codec<Object>) codec;
        this.oid = oid;
        this.format = format;
        this.builtin = codec instanceof BaseCodec<?> base ? (BaseCodec<Object>) base : null;
    }

    /** The parameter type OID to declare in Parse ({@code 0}: let the server infer it). */
    public int oid() {
        return oid;
    }

    public Format format() {
        return format;
    }

    /** The type's name, for messages. */
    public String typeName() {
        return codec.type().name();
    }

    public Codec<?> codec() {
        return codec;
    }

    /**
     * Writes a non-null value (one this encoder was chosen for) to {@code out}. A value that does not
     * fit the type is a {@link PgConversionException} — so is whatever else the codec throws, an {@link Error}
     * too (but a {@link VirtualMachineError}); the message names the type, the value's class and what was
     * thrown, never the value.
     */
    public void encode(Object value, ByteBuf out) {
        try {
            codec.encode(value, out);
        } catch (PgConversionException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // a VirtualMachineError goes on up (FatalErrors); another Error (a LinkageError: a library the codec uses is
            // missing) is the codec's failure too — met on the event loop (a statement encoded when it is written, while
            // the type OIDs are stale), thrown on it would leave the statement unanswered (REVIEW-11)
            FatalErrors.throwIfFatal(e);
            // a user codec's failure: keep the cause's class, not its message (it may quote the value)
            throw new PgConversionException("cannot write a " + value.getClass().getName() + " parameter as "
                    + typeName() + ": " + e.getClass().getSimpleName() + " in " + codec.getClass().getName());
        }
    }

    /**
     * Whether the bytes {@link #encode} writes for {@code value} are known, without making them, to be more than
     * {@code maxBytes}: for the built-in text types ({@code text}, {@code varchar}, {@code bpchar}, {@code name}),
     * {@code json}/{@code jsonb} and {@code bytea}, from the value's length — a text's UTF-8 length counted only when
     * its number of chars does not decide ({@link SendableText#utf8LongerThan}); for {@code hstore}, from the pair count
     * and the keys' and values' lengths; for an array, from its length and what its elements are known to take at least
     * (a fixed-size type's size, a text's chars, a bytea's length), added up until they pass {@code maxBytes}; for a
     * fixed-size type, its size. False for a codec of one's own, whose bytes are known once written (the query path
     * counts them then), and for a value the codec cannot write ({@link #encode} says why). The query path asks it
     * with what is left of a Bind's 1 GB before it encodes a parameter.
     */
    public boolean knownLongerThan(Object value, long maxBytes) {
        try {
            if (builtin != null) {
                return builtin.longerThan(value, maxBytes);
            }
            return codec instanceof ElementArrayCodec array && array.longerThan(value, maxBytes);
        } catch (RuntimeException e) {
            return false; // a value this codec cannot write: encode refuses it, saying why
        }
    }

    /**
     * The bytes {@link #encode(Object, ByteBuf)} writes for {@code value}, as a new array (the same
     * bytes and errors): the built-in codecs of fixed-size types and text make the array directly,
     * the others write to a buffer kept per thread, from which the bytes are copied.
     */
    public byte[] encode(Object value) {
        BaseCodec<Object> base = builtin;
        if (base != null) {
            byte[] bytes;
            try {
                bytes = base.encodeArray(value);
            } catch (PgConversionException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new PgConversionException("cannot write a " + value.getClass().getName() + " parameter as "
                        + typeName() + ": " + e.getClass().getSimpleName() + " in " + codec.getClass().getName());
            }
            if (bytes != null) {
                return bytes;
            }
        }
        return EncodeScratch.bytes(this, value);
    }

    @Override
    public String toString() {
        return "Encoder[" + typeName() + ", oid " + oid + ", " + format + "]";
    }
}
