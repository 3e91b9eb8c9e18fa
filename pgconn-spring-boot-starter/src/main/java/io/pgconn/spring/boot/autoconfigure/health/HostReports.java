package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ErrorMessageLines;
import io.pgconn.HostStatus;
import io.pgconn.JvmDnsCache;
import io.pgconn.ServerRole;
import io.pgconn.config.HostSpec;
import io.pgconn.spi.HostObservations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What one {@link HostMonitor} found out about its host, made known: the host's {@link HostView} (shown by health and
 * told to the monitors' {@link HostViews} at once), a log line once per change (under {@code HostMonitor}'s logger,
 * which the starter's README names), and the application's factory's host memory (its {@link HostObservations}: {@code up},
 * {@code full}, {@code down}). The monitor decides what it found; this says it — also that an
 * answer came from another server than the last one behind the same label ({@link ServerBehindLabel}, NEW-USER-24 F4).
 */
final class HostReports {

    /** The monitor's: the README tells users to set this category's level. */
    private static final Log logger = LogFactory.getLog(HostMonitor.class);

    private final HostSpec host;

    /** The application factory's host memory ({@code PgConnectionFactory.hostObservations(lookup)}, {@link HealthHostWatcher}). */
    private final HostObservations applicationMemory;

    private final Clock clock;

    /** Told every new view at once (the monitors' {@link HostViews}), not at the end of a probe round. */
    private final Consumer<HostView> published;

    /** {@link HealthLogPrefix}: names the application's factory bean. */
    private final String logPrefix;

    private volatile HostView view;

    /** Whether an answer shows another server behind the label than the last one did (a switchover behind one name). */
    private final ServerBehindLabel serverBehind = new ServerBehindLabel();

    /** The server the monitor's probe session reached, as it told at login ({@code null}: it did not tell). */
    private volatile @Nullable ServerIdentity probedServer;

    HostReports(HostSpec host, HostObservations applicationMemory, Clock clock, Consumer<HostView> published,
            String factoryName) {
        this.host = host;
        this.applicationMemory = applicationMemory;
        this.clock = clock;
        this.published = published;
        this.logPrefix = HealthLogPrefix.of(factoryName);
        this.view = HostView.unknown(host.label());
    }

    HostView view() {
        return this.view;
    }

    /** The monitor's new probe session reached {@code server}: its answers are that server's from now on. */
    void probing(@Nullable ServerIdentity server) {
        this.probedServer = server;
    }

    /**
     * The host answered in {@code role} a probe that began {@code askedAt}, on the session {@code lookedUp} tells (see
     * {@link HostView}): up, a change of role or state logged once.
     */
    void up(ServerRole role, @Nullable String version, Instant askedAt, JvmDnsCache.@Nullable LookedUp lookedUp) {
        HostView before = this.view;
        Instant now = this.clock.instant();
        this.view = serverBehind(before.up(role, version == null ? "" : version, askedAt, now, lookedUp), role, now);
        String change = roleChange(before, role);
        if (change != null) {
            logger.info(this.logPrefix + "host " + this.host.label() + " " + change);
        }
        this.published.accept(this.view);
        this.applicationMemory.up(this.host, role);
    }

    /**
     * A new login refused for want of a free slot (53300), or left unanswered while the open probe session answers
     * (a pooler's login queue): {@code full} with {@code reason}, in the role
     * {@code answered} (the open probe session's answer; {@code null}: the last known role, never counted as an answer
     * as primary for a split brain, {@link HostView#fullWithoutAnswer}), logged once per change
     * and told to the application's factory ({@code full}: its pools keep their sessions).
     * {@code nextCheckAt}: when the next login comes, put off past the next probes ({@link HostView}), or {@code null}.
     */
    void full(String reason, Throwable cause, @Nullable ServerRole answered, @Nullable Instant nextCheckAt) {
        HostView before = this.view;
        Instant now = this.clock.instant();
        this.view = answered != null ? serverBehind(before.full(reason, answered, now, nextCheckAt), answered, now)
                : before.fullWithoutAnswer(reason, now, nextCheckAt); // no role answered: R24-5
        if (before.state() != HostStatus.State.FULL || !reason.equals(before.error())) {
            logger.info(this.logPrefix + "host " + this.host.label() + " takes no new connections: "
                    + logged(reason, cause.getMessage()) + "; the sessions open to it keep working");
        }
        this.published.accept(this.view);
        this.applicationMemory.full(this.host, reason);
    }

    /** The open probe session of a full host answered: still full, in the role it answered (not told to the factory as up). */
    void stillFull(ServerRole role) {
        HostView before = this.view;
        Instant now = this.clock.instant();
        this.view = serverBehind(before.full(String.valueOf(before.error()), role, now, null), role, now);
        this.published.accept(this.view);
    }

    /** {@code answer} (in {@code role}, at {@code at}), showing a change of the server behind the label if it is one. */
    private HostView serverBehind(HostView answer, ServerRole role, Instant at) {
        ServerBehindLabel.Change change = this.serverBehind.answered(role, answer.lookedUp(), this.probedServer, at);
        return change == null ? answer : answer.serverChanged(change);
    }

    /**
     * Shows the host down with {@code reason}, tells the application's factory, and logs a change once: the short
     * reason goes to health, the whole story ({@code cause}'s message, unless it stopped answering) to the log.
     * {@code nextCheckAt}: when the next login comes, put off past the next probes ({@link HostView}), or {@code null}.
     */
    void down(String reason, Throwable cause, @Nullable Instant nextCheckAt) {
        this.serverBehind.lost();
        boolean changed = !reason.equals(this.view.error());
        this.view = this.view.down(reason, this.clock.instant(), nextCheckAt);
        if (changed) {
            // the short reason goes to health; the whole story, once per change, to the log (before what it causes)
            logger.info(this.logPrefix + "host " + this.host.label() + " is down: "
                    + logged(reason, UnansweredProbes.stoppedAnswering(cause) ? null : cause.getMessage()));
        }
        this.published.accept(this.view);
        this.applicationMemory.down(this.host, reason);
    }

    /**
     * What an answer with {@code role} changes about a host last seen as {@code before}, for the log
     * (once per change, new user 7 F2): "is up again (primary)" after it was down ("is up (primary)" if it never answered before), "is up again as
     * standby (was primary)" when it came back in another role, "is now read-only (was primary)" for an
     * answering host whose role changed (default_transaction_read_only turned on, a promotion);
     * {@code null} for no change and for the first answer.
     */
    static @Nullable String roleChange(HostView before, ServerRole role) {
        boolean known = before.role() != ServerRole.UNKNOWN;
        if (before.state() == HostStatus.State.FULL) {
            return !known || before.role() == role ? "takes new connections again (" + role.label() + ")"
                    : "takes new connections again, as " + role.label() + " (was " + before.role().label() + ")";
        }
        if (before.state() == HostStatus.State.DOWN) {
            if (!known) {
                return "is up (" + role.label() + ")";
            }
            return before.role() == role ? "is up again (" + role.label() + ")"
                    : "is up again as " + role.label() + " (was " + before.role().label() + ")";
        }
        if (before.isUp() && known && before.role() != role) {
            return "is now " + role.label() + " (was " + before.role().label() + ")";
        }
        return null;
    }

    /**
     * The short reason with the failure's whole message after it, or the message alone when it already
     * says what the reason says ("connection refused to db1:5432 (10.0.0.1:5432)" for "connection
     * refused (db1:5432)"): one line that does not say it twice (new user 7 F4). A message of several lines (a
     * server error's HINT under it) is put on that line as the error a subscriber that gave up fails its calls with
     * ({@link ErrorMessageLines#oneLine}: "... (SQLSTATE 22023); HINT: ..."), not left to end it with a bare line.
     */
    static String logged(String reason, @Nullable String fullMessage) {
        if (fullMessage == null || fullMessage.isBlank()) {
            return reason;
        }
        String message = ErrorMessageLines.oneLine(fullMessage);
        int hostPart = reason.lastIndexOf(" (");
        String words = hostPart > 0 ? reason.substring(0, hostPart) : reason;
        return message.regionMatches(true, 0, words, 0, words.length()) ? message : reason + " (" + message + ")";
    }
}
