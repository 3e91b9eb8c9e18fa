package io.pgconn.testkit;

/** The first column of a {@code pg_hba.conf} rule. */
public enum ConnectionType {
    /** Unix-domain socket. */
    LOCAL("local"),
    /** TCP/IP on loopback, with or without TLS. */
    HOST("host"),
    /** TCP/IP on loopback, TLS only. */
    HOSTSSL("hostssl"),
    /** TCP/IP on loopback, without TLS only. */
    HOSTNOSSL("hostnossl");

    private final String hbaName;

    ConnectionType(String hbaName) {
        this.hbaName = hbaName;
    }

    /** @return the keyword as written in pg_hba.conf */
    public String hbaName() {
        return hbaName;
    }
}
