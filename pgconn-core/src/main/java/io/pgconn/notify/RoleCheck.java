package io.pgconn.notify;

import io.pgconn.HostStatus;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.SessionRole;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Every {@link ReconnectPolicy#roleCheckInterval()}, whether one connection's server still
 * satisfies the factory's {@code target_session_attrs}. An idle session hears nothing: PostgreSQL
 * applies a reloaded {@code default_transaction_read_only} and reports it (ParameterStatus) only when
 * the session runs something, so the check asks the server ({@link PgConnection#currentRole()}, one
 * round trip) unless the session's parameters or the factory's host memory already tell.
 */
final class RoleCheck {

    private final PgConnectionFactory factory;
    private final TargetSessionAttrs target;
    private final Duration interval;
    private final PgConnection connection;
    /** When {@link #connection} began to carry the subscription: host memory older than that says nothing about it. */
    private final Instant attachedAt = Instant.now();
    private final BooleanSupplier carriesTheSubscription;
    private final Consumer<ServerRole> wrongRole;

    /**
     * PostgreSQL refuses LISTEN during recovery (25006 "cannot execute LISTEN during recovery"): over a
     * factory that wants a standby ({@code standby}) or prefers one ({@code prefer-standby}: on a standby
     * whenever one answers) every channel would be refused (REVIEW-8 F8), so such a factory is refused.
     * {@code read-only} is let through: it may land on a primary with {@code default_transaction_read_only=on},
     * where LISTEN works.
     *
     * @return the error refusing {@code factory}, or null when a subscriber can use it
     */
    static PgConfigException refusedTarget(PgConnectionFactory factory) {
        TargetSessionAttrs target = Objects.requireNonNull(factory, "factory").config().targetSessionAttrs();
        if (target != TargetSessionAttrs.STANDBY && target != TargetSessionAttrs.PREFER_STANDBY) {
            return null;
        }
        return PgConfigException.ofSetting("target_session_attrs", target.libpqName(), "a notification subscriber cannot use"
                + " a factory with target_session_attrs=" + target.libpqName() + ": PostgreSQL refuses LISTEN on a standby"
                + " (25006); expected read-write or primary (or any on a single primary)");
    }

    /**
     * @param carriesTheSubscription whether {@code connection} is still the subscriber's (checks stop when not)
     * @param wrongRole              told the refused role once; the checks stop
     */
    private RoleCheck(PgConnectionFactory factory, Duration interval, PgConnection connection,
                      BooleanSupplier carriesTheSubscription, Consumer<ServerRole> wrongRole) {
        this.factory = factory;
        this.target = factory.config().targetSessionAttrs();
        this.interval = interval;
        this.connection = connection;
        this.carriesTheSubscription = carriesTheSubscription;
        this.wrongRole = wrongRole;
    }

    /** Starts checking {@code connection}, unless the policy says never or any server will do. */
    static void start(PgConnectionFactory factory, Duration interval, PgConnection connection,
                      BooleanSupplier carriesTheSubscription, Consumer<ServerRole> wrongRole) {
        TargetSessionAttrs target = factory.config().targetSessionAttrs();
        if (interval.isZero() || !target.needsRole() || target == TargetSessionAttrs.PREFER_STANDBY) {
            return;
        }
        new RoleCheck(factory, interval, connection, carriesTheSubscription, wrongRole).schedule();
    }

    private void schedule() {
        CompletableFuture.delayedExecutor(interval.toMillis(), TimeUnit.MILLISECONDS).execute(this::check);
    }

    private void check() {
        if (connection.isClosed() || !carriesTheSubscription.getAsBoolean()) {
            return; // a re-connect's new connection has checks of its own
        }
        ServerRole known = knownWrongRole();
        if (known != null) {
            wrongRole.accept(known);
            return;
        }
        connection.currentRole().whenComplete((role, error) -> {
            if (error == null && !target.accepts(role, true)) {
                wrongRole.accept(role);
            } else {
                schedule(); // a failure here is the connection's: its close starts the re-connect
            }
        });
    }

    /**
     * A role {@code target} refuses, from the session's ParameterStatus or the factory's host memory; null if neither
     * tells. Memory is filed under the session's host label, which may name another server now (one DNS name or
     * virtual IP moved at a switchover, a health probe still on the old address reporting it a standby): it counts only
     * where the session's own ParameterStatus does not rule it out ({@link SessionRole#couldHaveBecome}, the rule
     * pgconn-r2dbc's pool validation uses too) — a subscriber on the new primary stays (NEW-USER-24 F1).
     */
    private ServerRole knownWrongRole() {
        ServerRole live = SessionRole.live(connection);
        if (live != ServerRole.UNKNOWN && !target.accepts(live, true)) {
            return live;
        }
        HostSpec host = connection.hostSpec();
        if (host != null) {
            HostStatus memory = factory.hostStatus(host.label());
            if (memory.role() != ServerRole.UNKNOWN && memory.lastCheckedAt() != null
                    && memory.lastCheckedAt().isAfter(attachedAt) && !target.accepts(memory.role(), true)
                    && SessionRole.couldHaveBecome(live, memory.role())) {
                return memory.role();
            }
        }
        return null;
    }
}
