package io.pgconn.config;

import io.pgconn.ProtocolVersion;

import java.time.Duration;
import java.util.List;

/**
 * The one place that holds configuration defaults. A value not given explicitly, by the service
 * file or by the environment takes the default listed here (docs/lifecycle.md §6).
 *
 * <p>Two defaults are derived rather than constant: the user defaults to the OS user
 * ({@code user.name}) and the database to the user; {@code sslmode} becomes
 * {@link SslMode#VERIFY_FULL} when {@code sslrootcert=system}.
 */
public final class ConnDefaults {

    /** Host used when none is given. libpq would use its Unix-socket directory; we dial TCP. */
    public static final String HOST = "localhost";
    public static final int PORT = 5432;
    public static final String PASSFILE_NAME = ".pgpass";

    /**
     * Where a password may come from, as the "no password was supplied" error names it: libpq's
     * sources. A layer that reads others (the Spring Boot starter's {@code pg.conn.password}) says
     * so with {@code ConnConfig.Builder#passwordSources}.
     */
    public static final String PASSWORD_SOURCES = "password, PGPASSWORD or .pgpass";
    public static final String SERVICE_FILE_NAME = ".pg_service.conf";
    /** libpq's default {@code sslrootcert}, under the home directory; read only when the file exists. */
    public static final String ROOT_CERT_FILE = ".postgresql/root.crt";
    /** libpq's default {@code sslcrl}, under the home directory; used only when the file exists and the chain is verified. */
    public static final String ROOT_CRL_FILE = ".postgresql/root.crl";
    /** libpq's default {@code sslcert}, under the home directory; a client certificate is sent only when the file exists. */
    public static final String CLIENT_CERT_FILE = ".postgresql/postgresql.crt";
    /** libpq's default {@code sslkey}, under the home directory; read only when a client certificate is sent. */
    public static final String CLIENT_KEY_FILE = ".postgresql/postgresql.key";
    public static final String SYSTEM_SERVICE_FILE_NAME = "pg_service.conf";
    /**
     * Where the system-wide {@code pg_service.conf} is looked for when {@code PGSYSCONFDIR} is unset. libpq reads its
     * compiled-in {@code SYSCONFDIR}, which a JVM cannot know; these are the directories the common builds compile
     * in: Debian/Ubuntu's libpq5, the PostgreSQL RPMs (PGDG), a source build's default prefix (REVIEW-31 R31-9).
     */
    public static final java.util.List<String> SYSTEM_SERVICE_FILE_DIRS =
            java.util.List.of("/etc/postgresql-common", "/etc/sysconfig/pgsql", "/usr/local/pgsql/etc");

    public static final SslMode SSL_MODE = SslMode.PREFER;
    /** The mode implied by {@code sslrootcert=system} (libpq). */
    public static final SslMode SSL_MODE_WITH_SYSTEM_ROOT = SslMode.VERIFY_FULL;
    public static final SslNegotiation SSL_NEGOTIATION = SslNegotiation.POSTGRES;
    public static final boolean SSL_SNI = true;
    /** libpq's default with TLS support: a client certificate is sent when its file exists and the server asks. */
    public static final SslCertMode SSL_CERT_MODE = SslCertMode.ALLOW;
    public static final String SSL_MIN_PROTOCOL_VERSION = "TLSv1.2";
    public static final SslProviderKind SSL_PROVIDER = SslProviderKind.AUTO;
    /** Host names are looked up by the system resolver (libpq's {@code getaddrinfo}), not by pgconn's own DNS client. */
    public static final HostResolverKind HOST_RESOLVER = HostResolverKind.SYSTEM;

    public static final ChannelBindingMode CHANNEL_BINDING = ChannelBindingMode.PREFER;
    public static final RequireAuth REQUIRE_AUTH = RequireAuth.ANY;
    public static final TargetSessionAttrs TARGET_SESSION_ATTRS = TargetSessionAttrs.ANY;
    public static final LoadBalanceHosts LOAD_BALANCE_HOSTS = LoadBalanceHosts.DISABLE;

    public static final Duration HOST_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration HOST_RECHECK_INTERVAL = Duration.ofSeconds(10);
    public static final boolean KEEPALIVES = true;

    public static final ProtocolVersion MIN_PROTOCOL_VERSION = ProtocolVersion.V3_0;
    /** libpq 18 also defaults to 3.0: 3.2 must be asked for, since older poolers reject it. */
    public static final ProtocolVersion MAX_PROTOCOL_VERSION = ProtocolVersion.V3_0;

    public static final List<String> EXTENSION_TYPES = List.of("hstore", "vector");
    public static final boolean EXTENSION_TYPES_REQUIRED = false;

    /** A server error's DETAIL stays out of exception messages: it may show data, parameter values included. */
    public static final boolean SERVER_ERROR_DETAIL = false;

    /** RFC 7677 recommends at least 4096 iterations; fewer means a weak or hostile server. */
    public static final int MIN_SCRAM_ITERATIONS = 4096;
    /** Caps the PBKDF2 work a hostile server can make us do. */
    public static final int MAX_SCRAM_ITERATIONS = 10_000_000;

    /** PostgreSQL's own limit for one message (MaxAllocSize). */
    public static final int MAX_MESSAGE_SIZE = 1 << 30;
    /** Before authentication nothing legitimate is large; a small cap stops memory abuse. */
    public static final int PRE_AUTH_MAX_MESSAGE_SIZE = 64 * 1024;
    /** Named server-side prepared statements kept per connection (LRU); 0 parses every statement unnamed. */
    public static final int PREPARED_STATEMENT_CACHE_SIZE = 256;
    /** Exchanges (Sync groups) written and not yet answered per connection: 0 = no limit, pipelining as far as callers submit. */
    public static final int PIPELINING_LIMIT = 0;
    /** How long a caller blocked on a statement's future spins before it parks: not at all. */
    public static final Duration BLOCKING_WAIT_SPIN = Duration.ZERO;
    /** The longest spin {@code blockingWaitSpin} accepts: beyond it the spin only burns a CPU. */
    public static final Duration MAX_BLOCKING_WAIT_SPIN = Duration.ofMillis(10);
    /** How long a server asked to stop a statement may stay silent before the connection is closed. */
    public static final Duration CANCEL_GRACE = Duration.ofSeconds(1);
    /** The longest {@code cancelGrace} accepts: a server silent for longer is as good as gone. */
    public static final Duration MAX_CANCEL_GRACE = Duration.ofHours(1);
    /** Lower bound for either cap: below this even an ErrorResponse may not fit. */
    public static final int MIN_MESSAGE_SIZE_LIMIT = 1024;

    private ConnDefaults() {
    }
}
