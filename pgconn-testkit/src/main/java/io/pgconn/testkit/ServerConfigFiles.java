package io.pgconn.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The configuration a server is started and reloaded with — its port, the certificate it presents, the
 * primary it streams from (a standby's {@code primary_conninfo}), the parameters set at runtime — and the
 * files it is written to in the data directory on every start and reload: {@code testkit.conf} (included
 * from {@code postgresql.conf}) and {@code pg_hba.conf}. Each write bumps a generation number in
 * {@code testkit.conf}, so a reload can wait until sessions see it.
 */
final class ServerConfigFiles {

    private final ClusterSpec spec;
    private final PgTls tls;
    private final Path dataDirectory;
    private final Path socketDirectory;
    private final Path tlsDirectory;
    private final Map<String, String> runtimeConfig = new LinkedHashMap<>();
    /** Users whose every login a rule ahead of all others rejects, set at runtime ({@link PgServer#rejectLogins}). */
    private final Set<String> rejectedUsers = new LinkedHashSet<>();
    private volatile int port = Ports.allocate();
    private volatile ServerCertificate certificate = ServerCertificate.TRUSTED;
    private String primaryConnInfo;
    private long generation;

    ServerConfigFiles(ClusterSpec spec, PgTls tls, Path dataDirectory, Path socketDirectory, Path tlsDirectory) {
        this.spec = spec;
        this.tls = tls;
        this.dataDirectory = dataDirectory;
        this.socketDirectory = socketDirectory;
        this.tlsDirectory = tlsDirectory;
    }

    /** The TCP port (also the Unix socket's number). */
    int port() {
        return port;
    }

    /** Moves to another free port (for a first start that found its port taken). */
    void moveToFreePort() {
        port = Ports.allocate();
    }

    /** The certificate the server presents. */
    ServerCertificate certificate() {
        return certificate;
    }

    void useCertificate(ServerCertificate which) {
        certificate = which;
    }

    /** A parameter set at runtime; it wins over the cluster's. */
    synchronized void set(String key, String value) {
        runtimeConfig.put(key, value);
    }

    /** Rejects every login of {@code user} ({@code true}) or no longer ({@code false}), from the next write on. */
    synchronized void reject(String user, boolean reject) {
        if (reject) {
            rejectedUsers.add(user);
        } else {
            rejectedUsers.remove(user);
        }
    }

    /** Makes this server a standby streaming from {@code primary} as {@code applicationName}. */
    synchronized void streamFrom(PgServer primary, String applicationName) {
        primaryConnInfo = "host=" + primary.address() + " port=" + primary.port() + " user=" + PgServer.REPLICATION_USER
                + " application_name=" + applicationName + " connect_timeout=5";
    }

    /** After a promotion: no {@code primary_conninfo} any more. */
    synchronized void stopStreaming() {
        primaryConnInfo = null;
    }

    /** Whether this is a standby's configuration (it has a primary to stream from). */
    synchronized boolean streams() {
        return primaryConnInfo != null;
    }

    /** Makes {@code postgresql.conf} include {@code testkit.conf} (once). */
    void includeFromPostgresqlConf() {
        Path main = dataDirectory.resolve("postgresql.conf");
        try {
            String conf = Files.readString(main, StandardCharsets.UTF_8);
            if (!conf.contains("include 'testkit.conf'")) {
                Files.writeString(main, conf + "\n# pgconn-testkit settings\ninclude 'testkit.conf'\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes both files for the configuration as it is now.
     *
     * @return the generation number written into {@code testkit.conf}
     */
    synchronized long write() {
        generation++;
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listen_addresses", Ports.ipv6() ? "127.0.0.1,::1" : "127.0.0.1");
        conf.put("port", Integer.toString(port));
        conf.put("unix_socket_directories", socketDirectory.toString());
        conf.put("shared_buffers", "32MB");
        conf.put("fsync", "off");
        conf.put("wal_level", "replica");
        conf.put("max_wal_senders", "10");
        conf.put("wal_keep_size", "256MB");
        conf.put("hot_standby", "on");
        conf.put("logging_collector", "off");
        conf.put("log_line_prefix", "%m [%p] %q%u@%d ");
        conf.put("ssl", tls != null ? "on" : "off");
        if (tls != null) {
            conf.put("ssl_cert_file", tlsDirectory.resolve(tls.serverCertificate(certificate).getFileName()).toString());
            conf.put("ssl_key_file", tlsDirectory.resolve(tls.serverKey(certificate).getFileName()).toString());
            conf.put("ssl_ca_file", tlsDirectory.resolve("ca.pem").toString());
        }
        if (primaryConnInfo != null) {
            conf.put("primary_conninfo", primaryConnInfo);
        }
        conf.putAll(spec.config());
        conf.putAll(runtimeConfig);
        conf.put("pgconn_testkit.generation", Long.toString(generation));
        StringBuilder sb = new StringBuilder("# written by pgconn-testkit on every start and reload\n");
        conf.forEach((k, v) -> sb.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        writeServerFile(dataDirectory.resolve("testkit.conf"), sb.toString());
        writeServerFile(dataDirectory.resolve("pg_hba.conf"), hba());
        return generation;
    }

    private synchronized String hba() {
        boolean v6 = Ports.ipv6();
        StringBuilder sb = new StringBuilder("# written by pgconn-testkit\n");
        sb.append("# logins rejected at runtime\n");
        for (String user : rejectedUsers) {
            sb.append(new HbaRule(ConnectionType.HOST, AuthMethod.REJECT).lines(user, v6));
        }
        sb.append("# users\n");
        for (PgUser u : spec.users()) {
            for (HbaRule rule : u.rules()) {
                sb.append(rule.lines(u.name(), v6));
            }
        }
        sb.append("# extra lines\n");
        for (String line : spec.hbaLines()) {
            sb.append(line).append('\n');
        }
        sb.append("# the testkit's own access\n");
        sb.append(new HbaRule(ConnectionType.LOCAL, AuthMethod.TRUST).lines(PgServer.SUPERUSER, v6));
        sb.append(new HbaRule(ConnectionType.HOST, AuthMethod.TRUST).lines(PgServer.SUPERUSER, v6));
        sb.append("host       replication  ").append(PgServer.REPLICATION_USER).append("           127.0.0.1/32         trust\n");
        return sb.toString();
    }

    /** A file only the server account may read (as the server requires for its own files). */
    static void writeServerFile(Path file, String content) {
        Os.write(file, content, "rw-------");
        Os.chownOneToServer(file);
    }
}
