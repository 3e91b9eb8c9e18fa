package io.pgconn.r2dbc;

import io.pgconn.HostStatus;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a pool drops a usable session for not being where its factory puts sessions now (NEW-USER-22 F4): a
 * {@code prefer-standby} session on a primary while host memory holds another host up as a standby.
 */
class SessionValidityPreferredRoleTest {

    private static final String A = "a:5432";
    private static final String B = "b:5432";

    @Test
    void aPreferStandbySessionOnAPrimaryIsNotPreferredWhileAStandbyIsUp() {
        assertThat(verdict(TargetSessionAttrs.PREFER_STANDBY, ServerRole.PRIMARY, status(A, ServerRole.PRIMARY), status(B, ServerRole.STANDBY)))
                .isEqualTo(SessionValidity.Verdict.NOT_PREFERRED_ROLE);
        assertThat(SessionValidity.Verdict.NOT_PREFERRED_ROLE.label()).isEqualTo("preferred-role");
        assertThat(verdict(TargetSessionAttrs.PREFER_STANDBY, ServerRole.READ_ONLY_PRIMARY, status(A, ServerRole.READ_ONLY_PRIMARY),
                status(B, ServerRole.STANDBY))).as("a read-only primary is no standby either").isEqualTo(SessionValidity.Verdict.NOT_PREFERRED_ROLE);
    }

    @Test
    void withNoStandbyUpTheSessionOnThePrimaryStays() {
        for (HostStatus other : List.of(new HostStatus(B, HostStatus.State.DOWN, ServerRole.STANDBY, Instant.EPOCH, "refused"),
                new HostStatus(B, HostStatus.State.FULL, ServerRole.STANDBY, Instant.EPOCH, "53300"),
                HostStatus.unknown(B), status(B, ServerRole.PRIMARY))) {
            assertThat(verdict(TargetSessionAttrs.PREFER_STANDBY, ServerRole.PRIMARY, status(A, ServerRole.PRIMARY), other))
                    .as("other host %s", other).isEqualTo(SessionValidity.Verdict.USABLE);
        }
        assertThat(verdict(TargetSessionAttrs.PREFER_STANDBY, ServerRole.PRIMARY, status(A, ServerRole.PRIMARY)))
                .as("one host").isEqualTo(SessionValidity.Verdict.USABLE);
    }

    @Test
    void sessionsOnAStandbyOrOfOtherTargetsOrAlreadyUnusableAreLeftAsTheyAre() {
        assertThat(verdict(TargetSessionAttrs.PREFER_STANDBY, ServerRole.STANDBY, status(A, ServerRole.STANDBY), status(B, ServerRole.STANDBY)))
                .isEqualTo(SessionValidity.Verdict.USABLE);
        assertThat(verdict(TargetSessionAttrs.PREFER_STANDBY, ServerRole.UNKNOWN, status(A, ServerRole.UNKNOWN), status(B, ServerRole.STANDBY)))
                .as("role not known").isEqualTo(SessionValidity.Verdict.USABLE);
        assertThat(verdict(TargetSessionAttrs.ANY, ServerRole.PRIMARY, status(A, ServerRole.PRIMARY), status(B, ServerRole.STANDBY)))
                .isEqualTo(SessionValidity.Verdict.USABLE);
        assertThat(SessionValidity.preferredRole(SessionValidity.Verdict.HOST_DOWN, TargetSessionAttrs.PREFER_STANDBY,
                ServerRole.PRIMARY, A, () -> List.of(status(B, ServerRole.STANDBY)), host -> false)).isEqualTo(SessionValidity.Verdict.HOST_DOWN);
    }

    private static SessionValidity.Verdict verdict(TargetSessionAttrs target, ServerRole sessionRole, HostStatus... hosts) {
        return SessionValidity.preferredRole(SessionValidity.Verdict.USABLE, target, sessionRole, A, () -> List.of(hosts), host -> false);
    }

    /**
     * Session 24's eviction-churn drill: a standby whose pg_hba.conf rejected the factory's login (28000) is no place to
     * move a session to, though host memory holds it up (health's old session there answers); another standby is.
     */
    @Test
    void aStandbyThatRefusedTheFactorysLoginDoesNotCount() {
        String c = "c:5432";
        assertThat(SessionValidity.preferredRole(SessionValidity.Verdict.USABLE, TargetSessionAttrs.PREFER_STANDBY, ServerRole.PRIMARY, A,
                () -> List.of(status(A, ServerRole.PRIMARY), status(B, ServerRole.STANDBY)), B::equals))
                .isEqualTo(SessionValidity.Verdict.USABLE);
        assertThat(SessionValidity.preferredRole(SessionValidity.Verdict.USABLE, TargetSessionAttrs.PREFER_STANDBY, ServerRole.PRIMARY, A,
                () -> List.of(status(A, ServerRole.PRIMARY), status(B, ServerRole.STANDBY), status(c, ServerRole.STANDBY)), B::equals))
                .isEqualTo(SessionValidity.Verdict.NOT_PREFERRED_ROLE);
    }

    private static HostStatus status(String host, ServerRole role) {
        return new HostStatus(host, HostStatus.State.UP, role, Instant.EPOCH, null);
    }
}
