package io.pgconn;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Thrown when a configuration value is invalid; raised before anything is dialled (or, for files
 * such as {@code sslkey} and for a {@code hostaddr} without a host name under
 * {@code sslmode=verify-full}, before the host's TLS handshake). When the error is about one setting,
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
    /** Transient like {@code PgException}'s fields: not every {@code List} is serializable; a deserialized exception names no conflict. */
    private final transient List<String> conflictsWith;

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
        this.conflictsWith = List.of();
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
        this(host, keyword, value, List.of(), message, cause);
    }

    /**
     * An error about {@code keyword}'s value together with the values of {@code conflictsWith}
     * (e.g. {@code channel_binding=require} with {@code sslmode=disable}): each of them may be the
     * one to change.
     */
    public PgConfigException(String host, String keyword, String value, List<String> conflictsWith, String message,
            Throwable cause) {
        super(host, message, cause);
        this.keyword = keyword;
        this.value = keyword == null || isSecret(keyword) ? null : value;
        this.conflictsWith = List.copyOf(conflictsWith);
    }

    /** An error about one setting, found while reading the configuration (no host involved). */
    public static PgConfigException ofSetting(String keyword, String value, String message) {
        return new PgConfigException(null, keyword, value, message, null);
    }

    /** An error about two or more settings together, found while reading the configuration (no host involved). */
    public static PgConfigException ofConflict(String keyword, String value, List<String> conflictsWith, String message) {
        return new PgConfigException(null, keyword, value, conflictsWith, message, null);
    }

    /** Whether a setting's value is a secret ({@code password}, {@code sslpassword}). */
    public static boolean isSecret(String keyword) {
        return SECRETS.contains(keyword.toLowerCase(Locale.ROOT));
    }

    /** The setting the error is about; empty for errors of syntax or of a whole file. */
    public Optional<String> keyword() {
        return Optional.ofNullable(keyword);
    }

    /**
     * The other settings whose values make {@link #keyword()}'s invalid (e.g. {@code sslmode} for
     * {@code channel_binding=require}); empty when the error is about one setting alone.
     */
    public List<String> conflictsWith() {
        return conflictsWith == null ? List.of() : conflictsWith;
    }

    /** The rejected value as given; empty when not known, not about one setting, or a secret. */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }
}
