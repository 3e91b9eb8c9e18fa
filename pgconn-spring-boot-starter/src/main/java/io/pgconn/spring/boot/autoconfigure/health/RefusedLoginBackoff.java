package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgException;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * When a monitor may log in again after the server refused its logins (SQLSTATE 28P01 wrong password,
 * 28000 not allowed by pg_hba.conf, or any {@link PgAuthenticationException}): each refusal writes a
 * FATAL to the server's log and, repeated, may lock the account, so after the n-th refusal in a row
 * the next login waits {@code interval × 2^n}, at most 30 s (or the interval, when longer). Any other
 * outcome resets it. A login refused for want of a free slot (53300) with no probe session open waits a set
 * time instead ({@link #waitFor}: the monitor's relogin interval). Used by one probe at a time.
 */
final class RefusedLoginBackoff {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** SQLSTATEs of a refused login: invalid_password, invalid_authorization_specification. */
    private static final Set<String> AUTH_SQLSTATES = Set.of("28P01", "28000");

    /** The probe interval, the unit of the back-off. */
    private final Duration interval;

    /** Longest wait between two logins after refusals: 30 s, or the interval when that is longer. */
    private final Duration maxBackoff;

    private final Clock clock;

    /** Refused logins in a row. */
    private int refusals;

    /** No login before this instant; {@code null}: none pending. */
    private volatile @Nullable Instant nextLoginAt;

    RefusedLoginBackoff(Duration interval, Clock clock) {
        this.interval = interval;
        this.maxBackoff = interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF;
        this.clock = clock;
    }

    /** Whether a login now would come too soon after refused ones. */
    boolean waiting() {
        Instant notBefore = this.nextLoginAt;
        return notBefore != null && this.clock.instant().isBefore(notBefore);
    }

    /** An answer: the next login may come at once. */
    void reset() {
        this.refusals = 0;
        this.nextLoginAt = null;
    }

    /** A failed probe: backs off when the server refused the login, else resets. */
    void failed(Throwable cause) {
        if (!isRefusedLogin(cause)) {
            reset();
            return;
        }
        this.refusals++;
        // interval × 2^n, computed without overflow: the cap is reached long before 2^31
        Duration wait = this.maxBackoff;
        if (this.refusals < 31) {
            Duration doubled = this.interval.multipliedBy(1L << this.refusals);
            if (doubled.compareTo(wait) < 0) {
                wait = doubled;
            }
        }
        this.nextLoginAt = this.clock.instant().plus(wait);
    }

    /** No login for {@code wait} from now, the count of refusals reset (a server without a free slot: not a refusal of the login's credentials). */
    void waitFor(Duration wait) {
        this.refusals = 0;
        this.nextLoginAt = this.clock.instant().plus(wait);
    }

    /** When the next login may be tried; {@code null} when not backing off. */
    @Nullable Instant nextLoginAt() {
        return this.nextLoginAt;
    }

    /** Whether the server refused the login (not a network or TLS failure). */
    static boolean isRefusedLogin(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgAuthenticationException) {
                return true;
            }
            if (t instanceof PgException pg && pg.sqlState().filter(AUTH_SQLSTATES::contains).isPresent()) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
