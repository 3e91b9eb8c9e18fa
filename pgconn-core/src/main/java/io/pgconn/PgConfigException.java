package io.pgconn;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Thrown when a configuration value is invalid; raised before anything is dialled (or, for files
 * such as {@code sslkey}, before the host's TLS handshake). When the error is about one setting,
 * {@link #keyword()} names it as the message does (the libpq keyword, e.g. {@code sslmode}, or
 * pgconn's own setting name, e.g. {@code maxMessageSize}) and {@link #value()} holds the value as
 * given, except for secrets, so that callers such as the Spring Boot starter need not read the
 * message to learn which setting was wrong.
 */
public class PgConfigException extends PgException {

    private static final long serialVersionUID = 1L;

    /** Settings whose values never leave the configuration (neither in messages nor in {@link #value()}). */
    private static final Set<String> SECRETS = Set.of("password", "sslpassword", "oauth_client_secret");

    private final String keyword;
    private final String value;

    public PgConfigException(String host, String message) {
        this(host, null, null, message, null);
    }

    public PgConfigException(String host, String message, Throwable cause) {
        this(host, null, null, message, cause);
    }

    public PgConfigException(String host, String message, ServerErrorFields serverFields, Throwable cause) {
        super(host, message, serverFields, cause);
        this.keyword = null;
        this.value = null;
    }

    /** An error about one setting; see {@link #PgConfigException(String, String, String, String, Throwable)}. */
    public PgConfigException(String host, String keyword, String value, String message) {
        this(host, keyword, value, message, null);
    }

    /**
     * An error about one setting. {@code value} is dropped when {@code keyword} is a secret
     * ({@link #isSecret}); the caller's message must not contain it either.
     */
    public PgConfigException(String host, String keyword, String value, String message, Throwable cause) {
        super(host, message, cause);
        this.keyword = keyword;
        this.value = keyword == null || isSecret(keyword) ? null : value;
    }

    /** An error about one setting, found while reading the configuration (no host involved). */
    public static PgConfigException ofSetting(String keyword, String value, String message) {
        return new PgConfigException(null, keyword, value, message, null);
    }

    /** Whether a setting's value is a secret ({@code password}, {@code sslpassword}). */
    public static boolean isSecret(String keyword) {
        return SECRETS.contains(keyword.toLowerCase(Locale.ROOT));
    }

    /** The setting the error is about; empty for errors of syntax or of a whole file. */
    public Optional<String> keyword() {
        return Optional.ofNullable(keyword);
    }

    /** The rejected value as given; empty when not known, not about one setting, or a secret. */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }
}
