package io.pgconn.testkit;

import java.util.Objects;

/**
 * A server's configuration changed under it, as an operator changes it: the files rewritten
 * ({@link ServerConfigFiles}: {@code testkit.conf}, {@code pg_hba.conf}, the certificate), then, when the postmaster
 * runs, {@code pg_reload_conf()} and a wait until new sessions see the change ({@link Postmaster#reload}); a stopped
 * server takes the files at its next start. The one place of {@link PgServer}'s {@code follow}, {@code setConfig},
 * {@code useServerCertificate}, {@code rejectLogins} and {@code reload}, which hold the server's lock around it.
 */
final class ServerReconfiguration {

    private final String name;
    private final PgTls tls;
    private final ServerConfigFiles files;
    private final Postmaster postmaster;
    /** Fails when the server is closed or not running (a reload needs it running). */
    private final Runnable requireRunning;

    ServerReconfiguration(String name, PgTls tls, ServerConfigFiles files, Postmaster postmaster, Runnable requireRunning) {
        this.name = name;
        this.tls = tls;
        this.files = files;
        this.postmaster = postmaster;
        this.requireRunning = requireRunning;
    }

    /** This standby streams from {@code newPrimary}: {@code primary_conninfo} rewritten. */
    void follow(PgServer newPrimary) {
        if (!files.streams()) {
            throw new IllegalStateException("'" + name + "' is not a standby");
        }
        files.streamFrom(newPrimary, name);
        reloadIfRunning();
    }

    /** A {@code postgresql.conf} parameter set. */
    void set(String key, String value) {
        files.set(key, value);
        reloadIfRunning();
    }

    /** The certificate the server presents switched. */
    void useCertificate(ServerCertificate which) {
        if (tls == null) {
            throw new IllegalStateException("TLS is off for '" + name + "': use the builder's tls()");
        }
        files.useCertificate(which);
        reloadIfRunning();
    }

    /** A {@code pg_hba.conf} rule ahead of all others that rejects every TCP login of {@code user} added or removed. */
    void rejectLogins(String user, boolean reject) {
        files.reject(Objects.requireNonNull(user, "user"), reject);
        reloadIfRunning();
    }

    /** The files rewritten, reloaded and waited for; the server must run. */
    void reload() {
        requireRunning.run();
        postmaster.reload();
    }

    private void reloadIfRunning() {
        if (postmaster.isRunning()) {
            reload();
        }
    }
}
