package io.pgconn.codec;

import java.util.Objects;

/**
 * JSON text to send as {@code jsonb}, typed so. A {@code String} parameter is sent untyped and the
 * server types it from its context, so it goes into a {@code jsonb} column too (codecs.md); {@code Json}
 * is for where the context does not say jsonb (an overloaded function, {@code SELECT $1}). Results
 * of {@code json}/{@code jsonb} read as {@code String} by default, or as {@code Json} or {@code byte[]} (UTF-8) when asked. pgconn does not
 * parse or validate the text; the server does. {@link #toString()} shows the length only: documents
 * may hold secrets.
 */
public record Json(String text) {

    public Json {
        Objects.requireNonNull(text, "text");
    }

    public static Json of(String text) {
        return new Json(text);
    }

    @Override
    public String toString() {
        return "Json[" + text.length() + " chars]";
    }
}
