package io.pgconn;

/**
 * An authentication method a server can ask for, named as {@code require_auth} names it.
 * {@link #NONE} is a server that asks for nothing (trust, or cert-only authentication).
 */
public enum AuthMethod {
    NONE("none"),
    PASSWORD("password"),
    MD5("md5"),
    SCRAM_SHA_256("scram-sha-256"),
    SCRAM_SHA_256_PLUS("scram-sha-256-plus");

    private final String requireAuthName;

    AuthMethod(String requireAuthName) {
        this.requireAuthName = requireAuthName;
    }

    /** The spelling used by {@code require_auth}. */
    public String requireAuthName() {
        return requireAuthName;
    }

    /** The method a SASL mechanism name stands for, or {@code null} if it is not a SCRAM mechanism we speak. */
    public static AuthMethod ofSaslMechanism(String mechanism) {
        return switch (mechanism) {
            case "SCRAM-SHA-256" -> SCRAM_SHA_256;
            case "SCRAM-SHA-256-PLUS" -> SCRAM_SHA_256_PLUS;
            default -> null;
        };
    }
}
