package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.PgConnectionFactory;
import io.pgconn.spring.boot.autoconfigure.FailoverTracker;
import io.pgconn.spring.boot.autoconfigure.FailoverTrackers;
import io.pgconn.trace.PgTracer.ConnectEnded;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * A failover leaves lines in the application's log, each once per change and not once per probe (new
 * user 7 F2: a switchover, a crash with no writable host for 6 s and a failback left one line, the
 * crashed host's "is down"): the active host moving, from → to with the failover number and why; no
 * host satisfying {@code target_session_attrs} (WARN) and one again (INFO); a host's role changing.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailoverLogTest {

    private static final String DB1 = "db1.test:5432";

    private static final String DB2 = "db2.test:5432";

    private Instant at = Instant.parse("2026-12-05T01:00:00Z");

    private final FailoverTracker tracker = new FailoverTracker();

    /** The application factory's sticky primary ({@code PgConnectionFactory.stickyPrimary()}), as core would say it. */
    private @Nullable String sticky;

    private final HostViews views = new HostViews(List.of(DB1, DB2), TargetSessionAttrs.READ_WRITE, this.tracker,
            () -> Optional.ofNullable(this.sticky));

    /** Each host's view of the last probe round. */
    private final Map<String, HostView> last = new HashMap<>();

    @Test
    void aSwitchoverLogsTheReadOnlyWindowOnceAndTheFailoverWithItsReason(CapturedOutput output) {
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.STANDBY));
        assertThat(pgconnLines(output)).as("a steady start logs nothing").isEmpty();

        // the old primary made read-only; the standby not yet promoted: three probe rounds of it
        for (int i = 0; i < 3; i++) {
            probeRound(up(DB1, ServerRole.READ_ONLY_PRIMARY), up(DB2, ServerRole.STANDBY));
        }
        // promoted; more rounds after
        for (int i = 0; i < 3; i++) {
            probeRound(up(DB1, ServerRole.READ_ONLY_PRIMARY), up(DB2, ServerRole.PRIMARY));
        }

        assertThat(pgconnLines(output)).containsExactly(
                "WARN pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: "
                        + DB1 + ": read-only; " + DB2 + ": standby",
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB1 + " to " + DB2 + " (failover 1): " + DB1
                        + " is now read-only, which target_session_attrs=read-write does not accept",
                "INFO pgconn health [pgConnectionFactory]: " + DB2 + " satisfies target_session_attrs=read-write again (primary), "
                        + "after 3000 ms without such a host");
    }

    @Test
    void aCrashOfTheOnlyWritableHostThenAFailbackSayWhyOnceEach(CapturedOutput output) {
        probeRound(up(DB1, ServerRole.READ_ONLY_PRIMARY), up(DB2, ServerRole.PRIMARY));
        for (int i = 0; i < 6; i++) {
            probeRound(up(DB1, ServerRole.READ_ONLY_PRIMARY), down(DB2, "connection refused (" + DB2 + ")"));
        }
        probeRound(up(DB1, ServerRole.PRIMARY), down(DB2, "connection refused (" + DB2 + ")"));
        // DB2 back as a primary for two rounds (a split brain is reported once both answered after the other became one)
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.STANDBY));

        assertThat(pgconnLines(output)).containsExactly(
                "WARN pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: "
                        + DB1 + ": read-only; " + DB2 + ": connection refused (" + DB2 + ")",
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB2 + " to " + DB1 + " (failover 1): " + DB2
                        + " is down: connection refused (" + DB2 + ")",
                "INFO pgconn health [pgConnectionFactory]: " + DB1 + " satisfies target_session_attrs=read-write again (primary), "
                        + "after 6000 ms without such a host",
                "WARN pgconn health [pgConnectionFactory]: 2 hosts answer as primary: " + DB1 + ", " + DB2 + " (split brain? e.g. an old "
                        + "primary back after a failover without pg_rewind); new connections (target_session_attrs=read-write) go to " + DB1,
                "INFO pgconn health [pgConnectionFactory]: no more than one host answers as primary now (split brain over); "
                        + "new connections go to " + DB1);
        assertThat(this.tracker.failovers()).isEqualTo(1);
    }

    /** Before any connect of the application, core has no host to stick to: host order decides, and the warning says so. */
    @Test
    void withoutAConnectTheFirstHostWritableAgainIsAFailbackThatSaysSo(CapturedOutput output) {
        probeRound(up(DB1, ServerRole.STANDBY), up(DB2, ServerRole.PRIMARY));
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));

        assertThat(pgconnLines(output)).containsExactly("INFO pgconn [pgConnectionFactory]: active host changed from " + DB2 + " to " + DB1
                + " (failover 1): " + DB1 + " is up as primary and target_session_attrs=read-write prefers it (host order)",
                "WARN pgconn health [pgConnectionFactory]: 2 hosts answer as primary: " + DB1 + ", " + DB2 + " (split brain? e.g. an old "
                        + "primary back after a failover without pg_rewind); new connections (target_session_attrs=read-write) go to " + DB1);
    }

    /**
     * New user 12 H1: after a failover the application's connects land on the promoted host DB2; the old primary DB1
     * comes back as a primary (no pg_rewind). New connections stay on DB2 (core's sticky primary), so activeHost does
     * not move and no failover is counted; the split brain is a WARN once, naming both hosts and where new
     * connections go — not an INFO "active host changed ... (host order)". When DB2 is demoted, new connections move.
     */
    @Test
    void anOldPrimaryBackBesideTheOneTheConnectsReachedIsAWarnOnceAndNoFailover(CapturedOutput output) {
        connectLandedOn(DB1);
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.STANDBY));
        probeRound(down(DB1, "connection refused (" + DB1 + ")"), up(DB2, ServerRole.PRIMARY));
        connectLandedOn(DB2);
        for (int i = 0; i < 3; i++) {
            probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));
        }
        assertThat(this.views.snapshot().active().host()).isEqualTo(DB2);
        assertThat(this.tracker.failovers()).isEqualTo(1);
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.READ_ONLY_PRIMARY));

        String warning = "2 hosts answer as primary: " + DB1 + ", " + DB2 + " (split brain? e.g. an old primary back after a failover "
                + "without pg_rewind); new connections (target_session_attrs=read-write) go to " + DB2;
        // DB1 found down and DB2 primary in one probe round: no window without a writable host, so no WARN (NEW-USER-22 F5)
        assertThat(pgconnLines(output)).containsExactly(
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB1 + " to " + DB2 + " (failover 1): " + DB1
                        + " is down: connection refused (" + DB1 + ")",
                "WARN pgconn health [pgConnectionFactory]: " + warning,
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB2 + " to " + DB1 + " (failover 2): " + DB2
                        + " is now read-only, which target_session_attrs=read-write does not accept",
                "INFO pgconn health [pgConnectionFactory]: no more than one host answers as primary now (split brain over); "
                        + "new connections go to " + DB1);
    }

    /**
     * Closing-note-28 F8 (user28b): db1 frozen, db2 promoted and sticky, db1 thawed with a connect begun before the
     * failover completing on it. One failover line and the split-brain WARN naming db2 — session 28 logged "active host
     * changed from db2 to db1 (failover 2): a connect landed on db1" and back (failover 3) while core kept db2.
     */
    @Test
    void aStragglerConnectAtAThawLogsNoFailoverBackToTheOldPrimary(CapturedOutput output) {
        connectLandedOn(DB1);
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.STANDBY));
        this.sticky = null; // db1 found down: core's sticky primary does not hold
        probeRound(down(DB1, "no answer within 10000 ms (" + DB1 + ")"), up(DB2, ServerRole.PRIMARY));
        this.sticky = DB2; // the report of db2 up as primary made it sticky
        this.tracker.connectEnded(new ConnectEnded(2, DB1, ServerRole.PRIMARY, 1, null, Duration.ofMillis(9000)));
        for (int i = 0; i < 3; i++) {
            probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));
        }
        assertThat(pgconnLines(output)).containsExactly(
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB1 + " to " + DB2 + " (failover 1): " + DB1
                        + " is down: no answer within 10000 ms (" + DB1 + ")",
                "WARN pgconn health [pgConnectionFactory]: 2 hosts answer as primary: " + DB1 + ", " + DB2 + " (split brain? e.g. an old "
                        + "primary back after a failover without pg_rewind); new connections (target_session_attrs=read-write) go to " + DB2);
        assertThat(this.tracker.failovers()).isEqualTo(1);
    }

    /**
     * A split brain's timelines told core that db2 is the newer primary (SplitBrainTimelines): without a new view the
     * active host follows core's sticky primary at once — one failover saying so — and the WARN names db2 as where new
     * connections go.
     */
    @Test
    void theStickyPrimaryMovedByATimelineIsFollowedWithoutANewView(CapturedOutput output) {
        connectLandedOn(DB1);
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.STANDBY));
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.PRIMARY));
        this.sticky = DB2;
        this.views.stickyPrimaryMayHaveMoved(Map.of(DB1, 1L, DB2, 2L));
        this.views.stickyPrimaryMayHaveMoved(Map.of(DB1, 1L, DB2, 2L));
        String warning = "2 hosts answer as primary: " + DB1 + ", " + DB2 + " (split brain? e.g. an old primary back after a failover "
                + "without pg_rewind); new connections (target_session_attrs=read-write) go to ";
        assertThat(pgconnLines(output)).containsExactly(
                "WARN pgconn health [pgConnectionFactory]: " + warning + DB1,
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB1 + " to " + DB2 + " (failover 1): " + DB2
                        + " writes on timeline 2, " + DB1 + " on 1: two hosts answer as primary, and the newer one (a promoted standby) is "
                        + "the factory's sticky primary, where new connections go",
                "WARN pgconn health [pgConnectionFactory]: " + warning + DB2);
        assertThat(this.views.snapshot().active().host()).isEqualTo(DB2);
    }

    /**
     * NEW-USER-22 F5, in the order the log showed it: db2's probe found it promoted first, but db1's answer (back as a
     * standby, 4 ms later) was published first. The views then briefly showed no writable host with db2's view of the
     * round before; that was no window without one (it logged a WARN naming db2 a standby 6 ms after "db2 is now
     * primary", then "after -4 ms without such a host").
     */
    @Test
    void aSwitchoverSeenWithinOneProbeRoundLogsNoWindowWithoutAHost(CapturedOutput output) {
        probeRound(up(DB1, ServerRole.PRIMARY), up(DB2, ServerRole.STANDBY));
        HostView db2Promoted = up(DB2, ServerRole.PRIMARY);
        HostView db1Standby = HostView.unknown(DB1).up(ServerRole.STANDBY, "18.0", this.at.plusMillis(4));
        this.views.update(0, db1Standby);
        this.views.update(1, db2Promoted);
        assertThat(pgconnLines(output)).containsExactly("INFO pgconn [pgConnectionFactory]: active host changed from " + DB1 + " to " + DB2
                + " (failover 1): " + DB1 + " is now standby, which target_session_attrs=read-write does not accept");
    }

    /**
     * A window shorter than one probe interval is still one: the primary crashes (its view is newer than the read-only
     * host's) and the read-only host's next probe, after the crash, finds it writable — the WARN is logged then, with
     * the views it was about, and the INFO with how long (PgConnFailoverLogIT's (B) and (C) 100 ms apart).
     */
    @Test
    void aWindowShorterThanAProbeRoundIsStillLogged(CapturedOutput output) {
        probeRound(up(DB1, ServerRole.READ_ONLY_PRIMARY), up(DB2, ServerRole.PRIMARY));
        this.views.update(1, HostView.unknown(DB2).up(ServerRole.PRIMARY, "18.0", this.at).down("connection refused (" + DB2 + ")",
                this.at.plusMillis(100)));
        assertThat(pgconnLines(output)).as("db1's probe of this round not in yet").isEmpty();
        this.views.update(0, HostView.unknown(DB1).up(ServerRole.PRIMARY, "18.0", this.at.plusMillis(200)));
        assertThat(pgconnLines(output)).containsExactly(
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB2 + " to " + DB1 + " (failover 1): " + DB2
                        + " is down: connection refused (" + DB2 + ")",
                "WARN pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: " + DB1
                        + ": read-only; " + DB2 + ": connection refused (" + DB2 + ")",
                "INFO pgconn health [pgConnectionFactory]: " + DB1 + " satisfies target_session_attrs=read-write again (primary), "
                        + "after 100 ms without such a host");
    }

    /** A host that did not answer is not waited for; its answer checked before the view that found none says 0 ms, not -4 ms. */
    @Test
    void anAnswerCheckedBeforeTheViewThatFoundNoHostIsNoNegativeWindow(CapturedOutput output) {
        probeRound(up(DB1, ServerRole.PRIMARY), down(DB2, "connection refused (" + DB2 + ")"));
        HostView db2Promoted = HostView.unknown(DB2).up(ServerRole.PRIMARY, "18.0", this.at.plusMillis(6));
        this.views.update(0, HostView.unknown(DB1).up(ServerRole.PRIMARY, "18.0", this.at)
                .down("connection refused (" + DB1 + ")", this.at.plusMillis(10)));
        this.views.update(1, db2Promoted);
        assertThat(pgconnLines(output)).containsExactly(
                "WARN pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs=read-write is up: " + DB1
                        + ": connection refused (" + DB1 + "); " + DB2 + ": connection refused (" + DB2 + ")",
                "INFO pgconn [pgConnectionFactory]: active host changed from " + DB1 + " to " + DB2 + " (failover 1): " + DB1
                        + " is down: connection refused (" + DB1 + ")",
                "INFO pgconn health [pgConnectionFactory]: " + DB2 + " satisfies target_session_attrs=read-write again (primary), "
                        + "after 0 ms without such a host");
    }

    /**
     * NEW-USER-22 F5: the reads factory's line said a primary was what prefer-standby "prefers (host order)". With no
     * standby up it is prefer-standby's second pass; back to a standby, the old host's new role is the reason.
     */
    @Test
    void preferStandbySaysWhyItTakesAPrimaryAndWhyItLeavesOne(CapturedOutput output) {
        FailoverTracker reads = new FailoverTrackers().of("readsPg", mock(PgConnectionFactory.class));
        HostViews readsViews = new HostViews(List.of(DB1, DB2), TargetSessionAttrs.PREFER_STANDBY, reads);
        readsViews.update(0, up(DB1, ServerRole.PRIMARY));
        readsViews.update(1, up(DB2, ServerRole.STANDBY));
        this.at = this.at.plusSeconds(1);
        readsViews.update(1, up(DB2, ServerRole.PRIMARY)); // promoted; db1's view still the old primary's
        readsViews.update(0, up(DB1, ServerRole.STANDBY));
        this.at = this.at.plusSeconds(1);
        readsViews.update(0, up(DB1, ServerRole.PRIMARY)); // switched back
        readsViews.update(1, up(DB2, ServerRole.STANDBY));
        assertThat(pgconnLines(output)).containsExactly(
                "INFO pgconn [readsPg]: active host changed from " + DB2 + " to " + DB1 + " (failover 1): no host is up as standby, "
                        + "so target_session_attrs=prefer-standby takes the first host up in host order: " + DB1 + " (primary)",
                "INFO pgconn [readsPg]: active host changed from " + DB1 + " to " + DB2 + " (failover 2): " + DB1 + " is now primary and "
                        + DB2 + " is up as standby, which target_session_attrs=prefer-standby prefers");
    }

    /** A connect landed on {@code host}: core's sticky primary is there now. */
    private void connectLandedOn(String host) {
        this.tracker.connectEnded(new ConnectEnded(1, host, ServerRole.PRIMARY, 1, null, Duration.ofMillis(2)));
        this.sticky = host;
    }

    @Test
    void noAcceptableHostIsNotClaimedBeforeEveryHostWasProbed(CapturedOutput output) {
        this.views.update(0, down(DB1, "connection refused (" + DB1 + ")"));
        assertThat(pgconnLines(output)).as("db2 not probed yet").isEmpty();
        this.views.update(1, up(DB2, ServerRole.STANDBY));
        assertThat(pgconnLines(output)).containsExactly("WARN pgconn health [pgConnectionFactory]: no host satisfying target_session_attrs="
                + "read-write is up: " + DB1 + ": connection refused (" + DB1 + "); " + DB2 + ": standby");
    }

    @Test
    void withoutHealthAConnectLandingElsewhereIsLoggedAsSuch(CapturedOutput output) {
        FailoverTracker connectFed = new FailoverTracker();
        for (String host : List.of(DB1, DB1, DB2, DB2)) {
            connectFed.connectEnded(new ConnectEnded(1, host, ServerRole.PRIMARY, 1, null, Duration.ofMillis(2)));
        }
        assertThat(pgconnLines(output)).containsExactly("INFO pgconn [pgConnectionFactory]: active host changed from " + DB1 + " to " + DB2
                + " (failover 1): a connect landed on it (without pgconn health nothing says why)");
    }

    /**
     * New user 10 F4: with two factories on one server (two databases) the lines named hosts only, so which
     * factory failed over could not be told. A factory of the application's own has a tracker named after its bean.
     */
    @Test
    void eachLineNamesTheFactoryBeanItIsAbout(CapturedOutput output) {
        FailoverTracker reporting = new FailoverTrackers().of("reportingPg", mock(PgConnectionFactory.class));
        HostViews reportingViews = new HostViews(List.of(DB1, DB2), TargetSessionAttrs.READ_WRITE, reporting);
        reportingViews.update(0, up(DB1, ServerRole.PRIMARY));
        reportingViews.update(1, up(DB2, ServerRole.STANDBY));
        reportingViews.update(0, up(DB1, ServerRole.READ_ONLY_PRIMARY));
        reportingViews.update(1, up(DB2, ServerRole.PRIMARY));
        assertThat(pgconnLines(output)).containsExactly(
                "WARN pgconn health [reportingPg]: no host satisfying target_session_attrs=read-write is up: "
                        + DB1 + ": read-only; " + DB2 + ": standby",
                "INFO pgconn [reportingPg]: active host changed from " + DB1 + " to " + DB2 + " (failover 1): " + DB1
                        + " is now read-only, which target_session_attrs=read-write does not accept",
                "INFO pgconn health [reportingPg]: " + DB2 + " satisfies target_session_attrs=read-write again (primary), "
                        + "after 0 ms without such a host");
    }

    @Test
    void aHostsRoleChangeIsToldOnceFromWhatItWasBefore() {
        HostView primary = up(DB1, ServerRole.PRIMARY);
        assertThat(HostReports.roleChange(HostView.unknown(DB1), ServerRole.PRIMARY)).as("first answer").isNull();
        assertThat(HostReports.roleChange(primary, ServerRole.PRIMARY)).as("no change").isNull();
        assertThat(HostReports.roleChange(primary, ServerRole.READ_ONLY_PRIMARY)).isEqualTo("is now read-only (was primary)");
        assertThat(HostReports.roleChange(up(DB1, ServerRole.STANDBY), ServerRole.PRIMARY)).isEqualTo("is now primary (was standby)");
        HostView down = primary.down("connection refused (" + DB1 + ")", this.at);
        assertThat(HostReports.roleChange(down, ServerRole.PRIMARY)).isEqualTo("is up again (primary)");
        assertThat(HostReports.roleChange(down, ServerRole.STANDBY)).isEqualTo("is up again as standby (was primary)");
        assertThat(HostReports.roleChange(HostView.unknown(DB1).down("connection refused (" + DB1 + ")", this.at),
                ServerRole.STANDBY)).isEqualTo("is up (standby)");
    }

    /** One probe of each host, a second after the last. */
    private void probeRound(HostView db1, HostView db2) {
        this.views.update(0, db1);
        this.views.update(1, db2);
        this.last.put(DB1, db1);
        this.last.put(DB2, db2);
        this.at = this.at.plusSeconds(1);
    }

    /** The host's answer in this round, as the monitor makes it: from the host's view of the round before. */
    private HostView up(String host, ServerRole role) {
        return this.last.getOrDefault(host, HostView.unknown(host)).up(role, "18.0", this.at);
    }

    private HostView down(String host, String error) {
        return HostView.unknown(host).up(ServerRole.PRIMARY, "18.0", this.at).down(error, this.at);
    }

    /** "LEVEL message" of every line of FailoverTracker and the health package, in order. */
    private static List<String> pgconnLines(CapturedOutput output) {
        return output.getAll().lines().filter(line -> line.contains(" pgconn"))
                .map(line -> levelOf(line) + " " + line.substring(line.indexOf(" pgconn") + 1)).toList();
    }

    private static String levelOf(String line) {
        for (String level : List.of("ERROR", "WARN", "INFO", "DEBUG")) {
            if (line.contains(" " + level + " ")) {
                return level;
            }
        }
        return "?";
    }
}
