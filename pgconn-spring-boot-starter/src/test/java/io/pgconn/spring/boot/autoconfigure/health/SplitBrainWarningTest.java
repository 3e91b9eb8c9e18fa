package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two hosts answering as primary while the target wants one: a warning naming both; otherwise none. */
class SplitBrainWarningTest {

    private static final Instant NOW = Instant.parse("2026-12-03T19:00:00Z");

    private static HostView up(String host, ServerRole role) {
        return HostView.unknown(host).up(role, "18.1", NOW);
    }

    /** The same view answered again {@code seconds} later (a probe round of the monitor). */
    private static HostView again(HostView view, int seconds) {
        return view.up(view.role(), "18.1", NOW.plusSeconds(seconds));
    }

    @Test
    void twoUpPrimariesUnderReadWriteAreASplitBrain() {
        List<HostView> views = List.of(again(up("db1:5432", ServerRole.PRIMARY), 1), again(up("db2:5432", ServerRole.STANDBY), 1),
                again(up("db3:5432", ServerRole.PRIMARY), 1));
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.READ_WRITE, views.get(2))).isEqualTo("2 hosts answer as primary: "
                + "db1:5432, db3:5432 (split brain? e.g. an old primary back after a failover without pg_rewind); "
                + "new connections (target_session_attrs=read-write) go to db3:5432");
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.PRIMARY, views.get(0))).startsWith("2 hosts answer as primary: db1:5432, db3:5432")
                .endsWith("new connections (target_session_attrs=primary) go to db1:5432");
    }

    /**
     * NEW-USER-23 F6: a clean switchover — the old primary stopped, the standby promoted — showed the old primary's
     * last answer (from before its stop) beside the promoted one's first: two primaries in the views, never at the
     * same time. Two primaries count once each answered as primary after the other became one; a real split brain
     * is reported one probe round later.
     */
    @Test
    void twoPrimariesOnlyOneAfterTheOtherAreNoSplitBrainUntilBothAnswerAgain() {
        HostView oldPrimary = again(up("db1:5432", ServerRole.PRIMARY), 1); // primary since NOW, last answer NOW+1s
        HostView promoted = HostView.unknown("db2:5432").up(ServerRole.STANDBY, "18.1", NOW.plusSeconds(1))
                .up(ServerRole.PRIMARY, "18.1", NOW.plusMillis(1_500)); // primary since NOW+1.5s
        assertThat(SplitBrainWarning.of(List.of(oldPrimary, promoted), TargetSessionAttrs.READ_WRITE, promoted))
                .as("the old primary's last answer came before the promotion").isNull();

        HostView oldPrimaryStopped = oldPrimary.down("terminating connection due to administrator command", NOW.plusSeconds(2));
        assertThat(SplitBrainWarning.of(List.of(oldPrimaryStopped, again(promoted, 2)), TargetSessionAttrs.READ_WRITE, promoted)).isNull();

        HostView oldPrimaryStillPrimary = again(oldPrimary, 2); // answered after the promoted one became primary
        assertThat(SplitBrainWarning.of(List.of(oldPrimaryStillPrimary, promoted), TargetSessionAttrs.READ_WRITE, promoted))
                .as("both primaries at 1.5 s to 2 s").startsWith("2 hosts answer as primary: db1:5432, db2:5432");
        HostView fullPrimary = oldPrimaryStillPrimary.full("sorry, too many clients already", ServerRole.PRIMARY, NOW.plusSeconds(3), null);
        assertThat(SplitBrainWarning.of(List.of(fullPrimary, again(promoted, 3)), TargetSessionAttrs.READ_WRITE, promoted))
                .as("a full primary still takes writes on its sessions").startsWith("2 hosts answer as primary");
        HostView backAsPrimary = oldPrimaryStopped.up(ServerRole.PRIMARY, "18.1", NOW.plusSeconds(3)); // a new run: since 3 s
        assertThat(SplitBrainWarning.of(List.of(backAsPrimary, again(promoted, 3)), TargetSessionAttrs.READ_WRITE, promoted))
                .as("back as primary in the same round as the other's last answer: confirmed one round later").isNull();
        assertThat(SplitBrainWarning.of(List.of(again(backAsPrimary, 4), again(promoted, 4)), TargetSessionAttrs.READ_WRITE, promoted))
                .startsWith("2 hosts answer as primary");
    }

    /**
     * REVIEW-24 R24-5: a host full with no session to ask (its new login refused with 53300) shows its last known role;
     * that is no answer as primary — an old primary back as a busy standby at max_connections kept "answering as
     * primary" at each refused login, past the promoted host's promotion, and the split-brain WARN went out and stayed.
     * A full host whose open session answered as primary still counts (above).
     */
    @Test
    void aFullHostWhoseRoleNothingAnsweredIsNoPrimary() {
        HostView a = up("db1:5432", ServerRole.PRIMARY); // primary since NOW
        HostView b = HostView.unknown("db2:5432").up(ServerRole.PRIMARY, "18.1", NOW.plusSeconds(1)); // promoted at 1 s
        HostView aFull = a.fullWithoutAnswer("too many connections, SQLSTATE 53300 (db1:5432)", NOW.plusSeconds(2), null);
        assertThat(aFull.role()).as("the last known role, shown").isEqualTo(ServerRole.PRIMARY);
        assertThat(SplitBrainWarning.of(List.of(aFull, again(b, 3)), TargetSessionAttrs.READ_WRITE, b)).isNull();
        HostView aFullAgain = aFull.fullWithoutAnswer("too many connections, SQLSTATE 53300 (db1:5432)", NOW.plusSeconds(4), null);
        assertThat(SplitBrainWarning.of(List.of(aFullAgain, again(b, 4)), TargetSessionAttrs.READ_WRITE, b)).isNull();
        // what HostReports made of it before: full in the last known role as if answered, a run as primary carried on
        HostView aFullAsIfAnswered = a.full("too many connections, SQLSTATE 53300 (db1:5432)", a.role(), NOW.plusSeconds(4), null);
        assertThat(SplitBrainWarning.of(List.of(aFullAsIfAnswered, again(b, 4)), TargetSessionAttrs.READ_WRITE, b))
                .as("the false alarm").startsWith("2 hosts answer as primary");
    }

    @Test
    void oneUpPrimaryADownOneOrAReadOnlyOneIsNoWarning() {
        HostView downPrimary = up("db2:5432", ServerRole.PRIMARY).down("no answer within 1000 ms (db2:5432)", NOW);
        assertThat(SplitBrainWarning.of(List.of(up("db1:5432", ServerRole.PRIMARY), downPrimary), TargetSessionAttrs.READ_WRITE, null)).isNull();
        assertThat(SplitBrainWarning.of(List.of(up("db1:5432", ServerRole.PRIMARY), up("db2:5432", ServerRole.READ_ONLY_PRIMARY)),
                TargetSessionAttrs.READ_WRITE, null)).isNull();
        assertThat(SplitBrainWarning.of(List.of(up("db1:5432", ServerRole.PRIMARY)), TargetSessionAttrs.READ_WRITE, null)).isNull();
    }

    @Test
    void targetsThatDoNotAskForOnePrimaryGetNoWarning() {
        List<HostView> views = List.of(again(up("db1:5432", ServerRole.PRIMARY), 1), again(up("db2:5432", ServerRole.PRIMARY), 1));
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.READ_WRITE, views.get(0))).isNotNull();
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.ANY, views.get(0))).isNull();
        assertThat(SplitBrainWarning.of(views, TargetSessionAttrs.PREFER_STANDBY, views.get(0))).isNull();
    }
}
