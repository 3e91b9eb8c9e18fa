package io.pgconn.testkit;

/** A {@code pg_hba.conf} authentication method. */
public enum AuthMethod {
    /** No password asked. */
    TRUST("trust"),
    /** Cleartext password (checked against the SCRAM or MD5 secret). */
    PASSWORD("password"),
    /** MD5 challenge (falls back to SCRAM when the stored secret is SCRAM). */
    MD5("md5"),
    /** SCRAM-SHA-256 (SASL). */
    SCRAM_SHA_256("scram-sha-256"),
    /** Client certificate whose CN is the user name; only with {@link ConnectionType#HOSTSSL}. */
    CERT("cert"),
    /** Always refused. */
    REJECT("reject");

    private final String hbaName;

    AuthMethod(String hbaName) {
        this.hbaName = hbaName;
    }

    /** @return the keyword as written in pg_hba.conf */
    public String hbaName() {
        return hbaName;
    }
}
