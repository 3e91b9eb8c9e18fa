package io.pgconn.internal.connect;

import io.pgconn.PgFactoryClosedException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * The files one host's attempts read before they dial (docs/lifecycle.md §1.6): the password file ({@code .pgpass},
 * {@link ConnConfig#passwordFor}) when no password is given — once for both attempts on this address of the host
 * ({@code prefer}'s, {@code allow}'s), as libpq reads it once per host when the connect starts, with its permission
 * warning — and, for each TLS attempt, the TLS material
 * ({@link ConnectResources#tls}: the files stat'ed, and read when they changed). All of it on the factory's file-read
 * pool ({@link BlockingCallPool#forFiles}), never on the event loop: a home directory or secret volume on NFS or FUSE, a FIFO
 * nobody has written to yet or a large {@code sslcrldir} would stall every session on that loop. The attempt goes on
 * on its own loop once the files are read; when there is nothing to read (a password given, a plaintext attempt) it
 * goes on at once, on the caller's thread.
 *
 * <p>A read that does not finish is cut short by the attempt's budget like any step, and the timeout names the file
 * ({@link AttemptScope#stillWaiting()}). The read itself cannot be interrupted — a thread in {@code open()} of a FIFO
 * stays there until someone opens it for writing — so it keeps one file-read thread until then; the factory's host-name
 * look-ups do not wait behind it (a pool of their own).
 */
final class ConnectFiles {

    /** What an attempt waits for while the TLS files are stat'ed (the read that may follow names the files). */
    private static final String STAT_TLS_FILES = "look at the TLS files (sslrootcert, sslcert, sslkey, sslcrl, sslcrldir)";

    private final ConnectResources resources;
    private final ConnConfig config;
    private final HostSpec host;
    /** The password: the configured one, or once read the passfile's line for this host; null: none. */
    private volatile String password;
    private volatile boolean passwordKnown;

    ConnectFiles(ConnectResources resources, ConnConfig config, HostSpec host) {
        this.resources = resources;
        this.config = config;
        this.host = host;
        this.password = config.password();
        this.passwordKnown = password != null;
    }

    /** The password for this host's attempts, after a {@link #read}: the configured one, the passfile's, or null. */
    String password() {
        return password;
    }

    /**
     * Reads what an attempt needs before it dials — the password file unless the password is known, the TLS material
     * when {@code tls} — and hands {@code then} the TLS material (null for a plaintext attempt) or why there is none:
     * on the attempt's loop, or at once on this thread when there is nothing to read.
     */
    void read(boolean tls, AttemptScope scope, BiConsumer<PreparedTls, Throwable> then) {
        boolean readPassword = !passwordKnown;
        if (!readPassword && !tls) {
            then.accept(null, null);
            return;
        }
        String first = readPassword ? "read the password file \"" + config.passwordFile() + "\" (passfile)" : STAT_TLS_FILES;
        scope.waitingFor(first);
        resources.fileReads().run(host, first, () -> {
            if (readPassword) {
                password = config.passwordFor(host);
                passwordKnown = true;
            }
            if (!tls) {
                return null;
            }
            scope.waitingFor(STAT_TLS_FILES);
            return resources.tls(TlsSettingsOf.config(config), host.label(), scope::waitingFor);
        }).whenComplete((prepared, error) -> {
            scope.waitingFor(null);
            try {
                scope.eventLoop().execute(() -> then.accept(prepared, error));
            } catch (RejectedExecutionException e) {
                then.accept(null, new PgFactoryClosedException(host.label(), "connect to " + host.label()
                        + " failed: the connection factory was closed", e));
            }
        });
    }
}
