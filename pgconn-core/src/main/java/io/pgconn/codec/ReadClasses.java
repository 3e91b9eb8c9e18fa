package io.pgconn.codec;

import java.net.InetAddress;

/**
 * The class of the values a codec's read as {@code Object} gives ({@link CodecRegistry#javaType}): its
 * {@link Codec#javaType()}, but where one type's values come in more than one class, the common supertype
 * a caller can rely on. {@code numeric} reads as {@code BigDecimal}, and NaN and ±Infinity (which have no
 * {@code BigDecimal}) as {@code Double}: {@code Number}. {@code inet} reads as {@code InetAddress} for a host and as
 * {@link Cidr} for a network ({@link InetCodec}), which share no supertype but {@code Object}. An array reads as an array of its elements' class
 * when every element has it ({@code Integer[]}, {@code String[]}, {@code PgInterval[]}) and as
 * {@code Object[]} otherwise ({@link ArrayElements}): so {@code numeric[]} and {@code inet[]} are {@code Object[]}.
 */
final class ReadClasses {

    private ReadClasses() {
    }

    static Class<?> of(Codec<?> codec) {
        if (codec instanceof NumericCodec) {
            return Number.class;
        }
        if (codec instanceof InetCodec && codec.javaType() == InetAddress.class) {
            return Object.class;
        }
        if (codec instanceof ElementArrayCodec array) {
            Class<?> element = array.elements.commonReadClass();
            return element == null ? Object[].class : element.arrayType();
        }
        return codec.javaType();
    }
}
