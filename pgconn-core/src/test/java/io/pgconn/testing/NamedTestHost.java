package io.pgconn.testing;

/**
 * A DNS name for the testkit's loopback servers, for the tests of what pgconn says about a host given by name (the JVM
 * DNS cache's hint, docs/lifecycle.md §1.1). {@code localhost} cannot stand in for it: it never goes to DNS (RFC 6761),
 * so pgconn gives it no hint (NEW-USER-30 F2). The name is under {@code .test} (RFC 6761: never in real DNS) and
 * resolves only in the failsafe execution {@code named-host} of core and the starter, whose JVM reads
 * {@code src/test/resources/named-host.hosts} as its hosts file ({@code -Djdk.net.hosts.file}): a test that dials it
 * carries {@code @Tag(NamedTestHost.TAG)}, which only that execution runs (also under {@code -Dit.test}).
 */
public final class NamedTestHost {

    /** The name, mapped to 127.0.0.1. */
    public static final String NAME = "pg-named.pgconn.test";

    /** The JUnit tag of the tests that dial {@link #NAME}. */
    public static final String TAG = "named-host";

    private NamedTestHost() {
    }
}
