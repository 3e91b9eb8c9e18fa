package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.FutureFailures;
import io.pgconn.PgConnection;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.HostSpec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code pg.conn.startup-check}: one connect at start-up, so a wrong password or an unknown host shows
 * at start-up rather than in the first request or only in health. {@code warn} does not hold start-up
 * up and logs the reason and the Action for its cause ({@link StartupFailureAction}, as {@code fail}'s report); {@code fail} waits for the factory's {@code connect-timeout} and throws
 * {@link PgConnStartupCheckException}.
 *
 * <p>The check runs once, at the first of: the starter's R2DBC {@code ConnectionFactory} being created
 * ({@link #checkBeforeFirstUse()}), or every singleton existing. The first matters: Boot's
 * {@code spring.sql.init} script initializer (and any bean that uses the pool while being created) runs
 * during singleton creation, and with a wrong password it would fail first with its own "Failed to
 * execute database script" instead of this check's report.
 */
public final class PgConnStartupCheck implements SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(PgConnStartupCheck.class);

    /** What {@code fail} waits for when {@code connect-timeout} is 0 (no deadline): libpq's default deadline. */
    private static final Duration UNBOUNDED_WAIT = Duration.ofSeconds(30);

    private final PgConnectionFactory factory;

    private final StartupCheck mode;

    private final Collection<String> secrets;

    private boolean started;

    PgConnStartupCheck(PgConnectionFactory factory, StartupCheck mode, Collection<String> secrets) {
        this.factory = factory;
        this.mode = mode;
        this.secrets = secrets;
    }

    @Override
    public void afterSingletonsInstantiated() {
        checkBeforeFirstUse();
    }

    /**
     * Runs the check unless it has run: called by a bean that uses the factory's connections while it
     * is being created (the starter's R2DBC pool) before it is created, so that {@code fail} reports a
     * failed connect before anything else meets it. A failed check is not repeated.
     */
    public synchronized void checkBeforeFirstUse() {
        if (this.started) {
            return;
        }
        this.started = true;
        switch (this.mode) {
            case NONE -> {
            }
            case WARN -> this.factory.connect().whenComplete((connection, failure) -> {
                if (failure != null) {
                    logger.warn("pgconn start-up check: " + describe(failure));
                } else {
                    logConnected(connection);
                }
            });
            case FAIL -> checkNow();
        }
    }

    private void checkNow() {
        Duration timeout = this.factory.config().connectTimeout();
        Duration wait = timeout.isZero() ? UNBOUNDED_WAIT : timeout.plusSeconds(1); // core's own deadline fires first
        CompletableFuture<PgConnection> connect = this.factory.connect();
        try {
            logConnected(connect.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            throw failure(e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException e) {
            connect.thenAccept(PgConnection::close);
            throw new PgConnStartupCheckException(hosts(), "no acceptable host answered within " + wait.toMillis() + " ms",
                    StartupFailureAction.of(e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgConnStartupCheckException(hosts(), "interrupted", e);
        }
    }

    private void logConnected(PgConnection connection) {
        if (logger.isDebugEnabled()) {
            logger.debug("pgconn start-up check: connected to " + connection.host());
        }
        connection.close();
    }

    private PgConnStartupCheckException failure(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        String reason = ConnectionStringSecrets.hide(message, this.secrets);
        // chained only when nothing had to be hidden: a logged cause would print the message again
        return new PgConnStartupCheckException(hosts(), reason + deadlines(cause), StartupFailureAction.of(cause),
                reason.equals(message) ? cause : null);
    }

    /**
     * For a connect that ran out of time: the deadlines in the starter's spelling. Core's message names
     * its own {@code connectTimeout=5ms}, which a user who wrote {@code pg.conn.connect-timeout: 5}
     * (meaning seconds) does not recognise (user4's F10).
     */
    private String deadlines(Throwable cause) {
        if (!(cause instanceof PgTimeoutException)) {
            return "";
        }
        return " (deadlines: pg.conn.connect-timeout=" + this.factory.config().connectTimeout().toMillis()
                + "ms, pg.conn.host-connect-timeout=" + this.factory.config().hostConnectTimeout().toMillis()
                + "ms; a duration without a unit is milliseconds)";
    }

    private String describe(Throwable failure) {
        Throwable cause = FutureFailures.unwrap(failure);
        return "could not connect to " + hosts() + ": "
                + ConnectionStringSecrets.hide(String.valueOf(cause.getMessage()), this.secrets) + deadlines(cause)
                + ". Action: " + StartupFailureAction.forWarning(cause);
    }

    private String hosts() {
        return this.factory.config().hosts().stream().map(HostSpec::label).collect(Collectors.joining(", "));
    }
}
