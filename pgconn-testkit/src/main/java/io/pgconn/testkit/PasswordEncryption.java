package io.pgconn.testkit;

/** How a user's password secret is stored ({@code password_encryption} when the role is created). */
public enum PasswordEncryption {
    /** A SCRAM-SHA-256 verifier (iterations from {@code scram_iterations}, PostgreSQL 16+). */
    SCRAM_SHA_256("scram-sha-256"),
    /** An MD5 hash (deprecated by PostgreSQL 18, still supported). */
    MD5("md5");

    private final String setting;

    PasswordEncryption(String setting) {
        this.setting = setting;
    }

    /** @return the value for {@code SET password_encryption} */
    public String setting() {
        return setting;
    }
}
