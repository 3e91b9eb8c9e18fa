package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

/**
 * Converts between one PostgreSQL type and Java values, in both directions. Implement it for your own
 * types and add it with {@link CodecRegistry.Builder#register(Codec)}; a registered codec is asked
 * before the built-in ones for its type and its Java class.
 *
 * <p><b>NULL</b> never reaches a codec: the protocol layer turns a value of length -1 into Java
 * {@code null} and a {@code null} parameter into length -1 (with the parameter type left unspecified
 * when nothing else says what it is). {@link #encode} and {@link #decode} only see real values.
 *
 * <p><b>Errors.</b> {@link #decode} throws {@link io.pgconn.PgProtocolException} when the bytes are
 * not a valid value of the type (wrong length, bad header, out-of-range field) and
 * {@link PgConversionException} when they are valid but do not fit the requested class. Messages name
 * the type and what was wrong, never the value. The registry wraps anything else a codec throws into a
 * {@code PgProtocolException}, but built-in codecs check their input and never rely on that.
 *
 * <p>Implementations must be stateless or immutable: one instance serves every connection and thread.
 * A connection caches the {@link Decoder} it chose for a column and shares it, without locks, with
 * every thread that reads a row of that statement; that is safe because a {@code Decoder} has only
 * final fields and the codec behind it holds no mutable state (a cache inside a codec must be
 * thread-safe on its own, e.g. an immutable holder replaced whole).
 *
 * @param <T> the class {@link #encode} accepts (it may be wider than {@link #javaType()}, e.g.
 *            {@code Number} for an integer codec that writes {@code Short}, {@code Integer} or {@code Long})
 */
public interface Codec<T> {

    /** The PostgreSQL type this codec reads and writes (a fixed OID or a name bound per connection). */
    PgType type();

    /**
     * The class {@link #decode} returns when the caller asks for {@code Object}, and the class (with its
     * subclasses) whose values the registry sends with this codec by default.
     */
    Class<? extends T> javaType();

    /**
     * The format {@link #encode} writes: {@link Format#BINARY} when the type has a binary form, otherwise
     * {@link Format#TEXT}. It is also the format the registry asks the server for in results
     * ({@link CodecRegistry#resultFormat(int)}).
     */
    Format format();

    /**
     * Whether {@link #encode} accepts values of this class when the caller says which type to send
     * ({@link CodecRegistry#encoder(int, Object)}). By default: subclasses of {@link #javaType()}.
     */
    default boolean encodes(Class<?> valueClass) {
        return javaType().isAssignableFrom(valueClass);
    }

    /**
     * Whether {@link #decode} reads this format and can produce an instance of {@code target} (never a
     * primitive class: the registry asks for the wrapper). By default: this codec's {@link #format()}
     * and any supertype of {@link #javaType()}.
     */
    default boolean decodes(Format format, Class<?> target) {
        return format == format() && target.isAssignableFrom(javaType());
    }

    /**
     * Writes a non-null value in {@link #format()} to {@code out} — only the value's bytes; the caller
     * writes the length in front. Throw {@link PgConversionException} (naming the type and the class,
     * never the value) when the value cannot be represented in the type.
     */
    void encode(T value, ByteBuf out);

    /**
     * Reads a non-null value. {@code value} holds exactly the column's bytes (its readable bytes); read it
     * with relative or absolute reads, but do not write to it, retain or release it (it is the row's own
     * bytes, shared by every reader), and never read past
     * {@code writerIndex}: check the length first. The buffer is valid only during the call: the caller
     * moves it on to the next value afterwards.
     *
     * @param format the value's format, one for which {@link #decodes} said yes
     * @param target the requested class, one for which {@link #decodes} said yes
     * @return an instance of {@code target}
     */
    Object decode(ByteBuf value, Format format, Class<?> target);
}
