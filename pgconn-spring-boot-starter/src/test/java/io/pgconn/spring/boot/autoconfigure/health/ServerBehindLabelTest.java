package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.JvmDnsCache;
import io.pgconn.ServerRole;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When an answer of a host label's probe comes from another server than the last answer did (NEW-USER-24 F4): a
 * standby that answers as a primary (promoted, or the label reaches the promoted server now), or a primary dialled at
 * another address of its name — not a first answer, not a primary that comes back at the same address, not a name
 * moved between standbys.
 */
class ServerBehindLabelTest {

    private static final Instant AT = Instant.parse("2026-12-06T22:00:00Z");

    private static final String NAME = "pg-rw.svc.local";

    private final ServerBehindLabel label = new ServerBehindLabel();

    @Test
    void aStandbyThatAnswersAsPrimaryIsAnotherServerOrAPromotion() {
        assertThat(this.label.answered(ServerRole.PRIMARY, null, null, AT)).as("the first answer").isNull();
        assertThat(this.label.answered(ServerRole.STANDBY, null, null, AT)).as("a primary turns standby only by a restart").isNull();
        assertThat(this.label.answered(ServerRole.STANDBY, null, null, AT)).isNull();
        ServerBehindLabel.Change change = this.label.answered(ServerRole.PRIMARY, null, null, AT.plusSeconds(3));
        assertThat(change).isNotNull();
        assertThat(change.at()).isEqualTo(AT.plusSeconds(3));
        assertThat(change.why()).isEqualTo("it answered as standby and answers as primary now: a promotion, or the label"
                + " reaches the promoted server now");
        assertThat(this.label.answered(ServerRole.PRIMARY, null, null, AT.plusSeconds(4))).as("seen once").isNull();
    }

    @Test
    void aPrimaryDialledAtAnotherAddressOfItsNameAfterTheLabelWentDownIsAnotherServer() {
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.2"), null, AT)).isNull();
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.2"), null, AT)).as("same address").isNull();
        this.label.lost();
        ServerBehindLabel.Change change = this.label.answered(ServerRole.PRIMARY, at("10.0.0.3"), null, AT);
        assertThat(change).isNotNull();
        assertThat(change.why()).isEqualTo(NAME + " reaches 10.0.0.3 now (was 10.0.0.2), a primary");
    }

    @Test
    void whatTheLastAnswerWasOutlastsTheWindowWithoutAnswers() {
        // the old primary stopped (the label down: no answer, nothing told here), the name repointed meanwhile
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.2"), null, AT)).isNull();
        this.label.lost();
        ServerBehindLabel.Change change = this.label.answered(ServerRole.PRIMARY, at("10.0.0.3"), null, AT.plusSeconds(30));
        assertThat(change).isNotNull();
        assertThat(change.why()).contains("10.0.0.3", "was 10.0.0.2");
    }

    @Test
    void theSameAddressBackAsPrimaryOrANameMovedBetweenStandbysIsNoChange() {
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.2"), null, AT)).isNull();
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.2"), null, AT)).as("a restart of the same primary").isNull();
        ServerBehindLabel readReplicas = new ServerBehindLabel();
        assertThat(readReplicas.answered(ServerRole.STANDBY, at("10.0.0.5"), null, AT)).isNull();
        assertThat(readReplicas.answered(ServerRole.STANDBY, at("10.0.0.6"), null, AT)).as("one read replica for another").isNull();
        assertThat(readReplicas.answered(ServerRole.UNKNOWN, at("10.0.0.7"), null, AT)).isNull();
    }

    /**
     * REVIEW-25 R25-9: a name with several addresses of one primary, or of pooler replicas fronting it (dual-stack, DNS
     * round robin, {@code load_balance_hosts=random}), is dialled at another of them at a routine re-login: no failover.
     */
    @Test
    void anotherAddressOfAPrimaryAtARoutineReloginIsNoChange() {
        for (int relogin = 0; relogin < 20; relogin++) {
            assertThat(this.label.answered(ServerRole.PRIMARY, at(relogin % 2 == 0 ? "10.0.0.2" : "10.0.0.3"), null, AT.plusSeconds(10L * relogin)))
                    .as("re-login " + relogin).isNull();
        }
        this.label.lost();
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.3"), null, AT)).as("back at the address it last answered on").isNull();
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.2"), null, AT)).as("the loss is forgotten at the next answer").isNull();
    }

    @Test
    void aStandbyPromotedAtANewAddressSaysBoth() {
        assertThat(this.label.answered(ServerRole.STANDBY, at("10.0.0.2"), null, AT)).isNull();
        assertThat(this.label.answered(ServerRole.PRIMARY, at("10.0.0.3"), null, AT).why())
                .endsWith("(" + NAME + " at 10.0.0.3, was 10.0.0.2)");
    }

    private static JvmDnsCache.LookedUp at(String address) {
        return new JvmDnsCache.LookedUp(NAME, address);
    }
}
