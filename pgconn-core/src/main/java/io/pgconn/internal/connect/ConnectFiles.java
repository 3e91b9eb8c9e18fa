package io.pgconn.internal.connect;

import io.pgconn.PgFactoryClosedException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.startup.PasswordLookup;
import io.pgconn.internal.tls.TlsSettings;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * The files one address's attempts read (docs/lifecycle.md §1.6), never on the event loop — a home directory or secret
 * volume on NFS or FUSE, a FIFO nobody has written to yet or a large {@code sslcrldir} would stall every session on that
 * loop — but on the factory's file-read pool ({@link BlockingCallPool#forFiles}), and only when needed:
 * <ul>
 *   <li>the password file ({@code .pgpass}) when no password is given and the server asks for one
 *       ({@link #passwords}): the handshake waits, the file is read, the answer goes from the loop. A trust, peer or
 *       certificate login reads nothing. libpq reads the file when the connect starts, before any dial; its line for
 *       the host that answers is the same, read later. Read once for both attempts on this address
 *       ({@code prefer}'s, {@code allow}'s), and again by the next connect;</li>
 *   <li>for each TLS attempt, before it dials ({@link #tls}), the TLS material ({@link ConnectResources#tls}: the files
 *       stat'ed, and read when they changed) — unless the factory looked at them less than
 *       {@link ConnectResources#TLS_FILES_RECHECK} ago, when the attempt goes on at once.</li>
 * </ul>
 * A connect that needs a file another connect of the factory is reading joins that read ({@link SingleFlight}).
 *
 * <p>A read that does not finish is cut short by the attempt's budget like any step, and the timeout names the file
 * ({@link AttemptScope#stillWaiting()}). The read itself cannot be interrupted — a thread in {@code open()} of a FIFO
 * stays there until someone opens it for writing — so it keeps one file-read thread until then (one, however many
 * connects wait for it); the factory's host-name look-ups do not wait behind it (a pool of their own).
 */
final class ConnectFiles {

    private final ConnectResources resources;
    private final ConnConfig config;
    private final HostSpec host;
    /** The password: the configured one, or, once asked for, this host's passfile line (null: none); null until then. */
    private volatile CompletableFuture<String> password;

    ConnectFiles(ConnectResources resources, ConnConfig config, HostSpec host) {
        this.resources = resources;
        this.config = config;
        this.host = host;
        this.password = config.password() == null ? null : CompletableFuture.completedFuture(config.password());
    }

    /**
     * Where an attempt's handshake gets the password when the server asks for one: the configured one at once; else
     * this host's {@code .pgpass} line ({@link io.pgconn.config.PgPassFile#find}: host, port, database, user of this
     * host), read now on the file-read pool, or as read by this address's earlier attempt.
     */
    PasswordLookup passwords(AttemptScope scope) {
        return () -> password(scope);
    }

    private CompletableFuture<String> password(AttemptScope scope) {
        CompletableFuture<String> known = password;
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        Path file = config.passwordFile();
        String what = "read the password file \"" + file + "\" (passfile) to answer the server's password request";
        scope.waitingFor(what);
        CompletableFuture<String> read = resources.passwordFile(file, host, what)
                .whenComplete((lines, error) -> scope.waitingFor((String) null))
                .thenApply(lines -> lines.map(f -> f.find(host, config.database(), config.user())).orElse(null));
        password = read;
        return read;
    }

    /**
     * The TLS material for a TLS attempt, handed to {@code then} (or why there is none): at once on this thread when the
     * factory's context for these settings was looked at less than {@link ConnectResources#TLS_FILES_RECHECK} ago, else
     * after a look at the files on the file-read pool, on the attempt's loop.
     */
    void tls(AttemptScope scope, BiConsumer<PreparedTls, Throwable> then) {
        TlsSettings settings = TlsSettingsOf.config(config);
        PreparedTls fresh = resources.freshTls(settings);
        if (fresh != null) {
            then.accept(fresh, null);
            return;
        }
        scope.waitingForShared(() -> {
            String doing = resources.tlsReading(settings);
            return (doing == null ? ConnectResources.STAT_TLS_FILES : doing) + " before dialling";
        });
        resources.tls(settings, host).whenComplete((prepared, error) -> {
            scope.waitingFor((String) null);
            try {
                scope.eventLoop().execute(() -> then.accept(prepared, error));
            } catch (RejectedExecutionException e) {
                then.accept(null, new PgFactoryClosedException(host.label(), "connect to " + host.label()
                        + " failed: the connection factory was closed", e));
            }
        });
    }
}
