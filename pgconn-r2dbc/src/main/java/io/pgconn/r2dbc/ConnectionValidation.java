package io.pgconn.r2dbc;

import io.pgconn.HostStatus;
import io.pgconn.config.TargetSessionAttrs;
import io.r2dbc.spi.ValidationDepth;
import reactor.core.publisher.Mono;

/**
 * Whether one {@link PgConnR2dbcConnection} is still worth using: {@code validate(LOCAL)} from what the session and the
 * factory's host memory tell, without a round trip ({@link SessionValidity}), {@code validate(REMOTE)} with a query
 * bounded by the factory's remote validation timeout, and the verdict a pool's eviction asks for.
 */
final class ConnectionValidation {

    private final ControlSql control;
    private final SessionPort session;
    private final PgConnR2dbcConnectionFactory factory;
    /** The session's host as host memory names it; fixed for the session's life, so computed once. */
    private final String hostLabel;

    ConnectionValidation(ControlSql control, SessionPort session, PgConnR2dbcConnectionFactory factory) {
        this.control = control;
        this.session = session;
        this.factory = factory;
        this.hostLabel = SessionValidity.hostLabel(session.connection());
    }

    /**
     * LOCAL: open, and the server still satisfies the factory's {@code target_session_attrs} as far as
     * the session's ParameterStatus and the factory's host memory tell, without a round trip.
     * REMOTE: that, and the server answers a query.
     */
    Mono<Boolean> validate(ValidationDepth depth) {
        if (depth == ValidationDepth.LOCAL) {
            return Mono.fromSupplier(this::isUsable); // on every pool acquire: one operator, no round trip
        }
        return Mono.defer(() -> {
            boolean usable = isUsable();
            if (!usable || depth == ValidationDepth.LOCAL) {
                return Mono.just(usable);
            }
            // bounded: a frozen server never answers; past the deadline the statement is cancelled and the answer is false
            return control.control("SELECT 1").thenReturn(true).timeout(factory.remoteValidationTimeout())
                    .onErrorReturn(false).map(answered -> answered && isUsable());
        });
    }

    /** {@code validate(LOCAL)}, answered at once: for a pool's eviction check. */
    boolean isUsable() {
        return usability() == SessionValidity.Verdict.USABLE;
    }

    SessionValidity.Verdict usability() {
        return SessionValidity.check(session.connection(), factory.targetSessionAttrs(), factory.hostStatus(hostLabel));
    }

    /**
     * {@link #usability()}, or that a prefer-standby session sits on a primary while a standby is up, or that a
     * read-write/primary session sits on another host than the factory's sticky primary (a split brain): for a pool's
     * eviction of unlent sessions.
     */
    SessionValidity.Verdict evictionVerdict() {
        HostStatus memory = factory.hostStatus(hostLabel);
        TargetSessionAttrs target = factory.targetSessionAttrs();
        SessionValidity.Verdict usable = SessionValidity.check(session.connection(), target, memory);
        if (target.sticksToLastHost()) {
            return SessionValidity.otherPrimary(usable, hostLabel, factory.stickyPrimary());
        }
        return SessionValidity.preferredRole(usable, target, SessionValidity.sessionRole(session.connection(), memory),
                hostLabel, factory::hostStatuses, factory::isRefusingLogins);
    }
}
