package io.pgconn.bench;

/** What a connect is made to, and how. Every client maps each target to its own settings. */
enum Target {
    /** The primary, trust user, no TLS. */
    TRUST(false),
    /** The primary, SCRAM-SHA-256 user, no TLS. */
    SCRAM(false),
    /** SCRAM over TLS, server certificate not checked (sslmode=require). */
    SCRAM_REQUIRE(true),
    /** SCRAM over TLS, chain and host name checked against the testkit CA (sslmode=verify-full). */
    SCRAM_VERIFY_FULL(true),
    /** Host list: refused port, standby, primary; read-write wanted; trust user, no TLS. */
    FAILOVER(false);

    private final boolean tls;

    Target(boolean tls) {
        this.tls = tls;
    }

    boolean tls() {
        return tls;
    }
}
