package io.pgconn.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings shared by {@link PgServer#builder()}, {@link PgCluster#builder()} and
 * {@link PgClusterExtension#builder()}.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract sealed class AbstractPgClusterBuilder<B extends AbstractPgClusterBuilder<B>>
        permits PgServer.Builder, PgCluster.Builder, PgClusterExtension.Builder {

    private String name = "pg";
    private int majorVersion = PgBinaries.DEFAULT_MAJOR;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Map<String, PgUser> users = new LinkedHashMap<>();
    private final List<String> hbaLines = new ArrayList<>();
    private final List<String> initSql = new ArrayList<>();
    private boolean tls;
    private int standbys;
    private Duration startTimeout = Duration.ofSeconds(60);

    AbstractPgClusterBuilder() {
    }

    abstract B self();

    /**
     * @param major PostgreSQL major version: 14 or 18 are served by this build (16 and 17 when their jars are
     *              found); default {@value PgBinaries#DEFAULT_MAJOR}
     * @return this builder
     */
    public B majorVersion(int major) {
        PgBinaries.fullVersion(major);
        this.majorVersion = major;
        return self();
    }

    /**
     * Adds or replaces a {@code postgresql.conf} setting, e.g. {@code config("scram_iterations", "8192")};
     * applied after the testkit's own settings, so it may override them.
     *
     * @param key   the parameter name
     * @param value its value (written quoted)
     * @return this builder
     */
    public B config(String key, String value) {
        config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return self();
    }

    /**
     * Declares a user: the role is created with its secret, its rules go into pg_hba.conf.
     *
     * @param user the user
     * @return this builder
     */
    public B user(PgUser user) {
        if (users.putIfAbsent(user.name(), user) != null) {
            throw new IllegalArgumentException("user " + user.name() + " declared twice");
        }
        if (user.needsTls()) {
            tls = true;
        }
        return self();
    }

    /**
     * Adds a raw pg_hba.conf line, written after the users' rules and before the testkit's own
     * (which let {@code postgres} in by trust over the Unix socket and loopback: do not reject it there).
     *
     * @param line e.g. {@code "host all all 127.0.0.1/32 reject"}
     * @return this builder
     */
    public B hba(String line) {
        hbaLines.add(Objects.requireNonNull(line, "line"));
        return self();
    }

    /**
     * SQL run as superuser on the primary once it is up and its users exist, before standbys are made
     * (e.g. {@code "CREATE EXTENSION hstore"}).
     *
     * @param sql one or more statements
     * @return this builder
     */
    public B initSql(String sql) {
        initSql.add(Objects.requireNonNull(sql, "sql"));
        return self();
    }

    /**
     * Turns TLS on ({@code ssl=on}, a generated CA, server and client certificates); implied by any
     * hostssl rule.
     *
     * @return this builder
     */
    public B tls() {
        this.tls = true;
        return self();
    }

    /**
     * @param timeout how long a server may take to start, stop or promote (default 60 s)
     * @return this builder
     */
    public B startTimeout(Duration timeout) {
        this.startTimeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    /**
     * @param prefix a name for the cluster's directory (default "pg"), handy in logs
     * @return this builder
     */
    public B name(String prefix) {
        this.name = Objects.requireNonNull(prefix, "prefix");
        return self();
    }

    void standbyCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("standbys must be >= 0");
        }
        this.standbys = count;
    }

    ClusterSpec spec() {
        return new ClusterSpec(name, majorVersion, config, new ArrayList<>(users.values()), hbaLines, initSql, tls,
                standbys, startTimeout);
    }
}
