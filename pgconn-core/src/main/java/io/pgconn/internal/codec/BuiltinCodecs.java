package io.pgconn.internal.codec;

import io.pgconn.codec.CodecRegistry;

/**
 * The built-in codecs, registered in an order where the later registration of a Java class is its
 * default (e.g. {@code String} goes as {@code text}, not {@code varchar}).
 */
public final class BuiltinCodecs {

    private BuiltinCodecs() {
    }

    public static void registerAll(CodecRegistry.Builder builder) {
    }
}
