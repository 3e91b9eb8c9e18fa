package io.pgconn.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReconnectPolicyTest {

    /** user4's F2: a LISTEN that gives up after ~27 s of outage ends a feature for good; the default never does. */
    @Test
    void theDefaultNeverGivesUpAndWaitsAtMostFiveSeconds() {
        assertThat(ReconnectPolicy.DEFAULT.isUnlimited()).isTrue();
        assertThat(ReconnectPolicy.DEFAULT.maxAttempts()).isEqualTo(ReconnectPolicy.UNLIMITED);
        assertThat(ReconnectPolicy.DEFAULT.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(ReconnectPolicy.DEFAULT.backoff(1_000_000)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ReconnectPolicy.DEFAULT.roleCheckInterval()).isEqualTo(ReconnectPolicy.DEFAULT_ROLE_CHECK);
    }

    @Test
    void aBoundedPolicyStaysPossible() {
        ReconnectPolicy bounded = new ReconnectPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(5));
        assertThat(bounded.isUnlimited()).isFalse();
        assertThat(bounded.roleCheckInterval()).isEqualTo(ReconnectPolicy.DEFAULT_ROLE_CHECK);
        assertThat(bounded.withRoleCheckInterval(Duration.ZERO).roleCheckInterval()).isZero();
        assertThat(ReconnectPolicy.NEVER.maxAttempts()).isZero();
    }

    @Test
    void anInvalidPolicyNamesItsValues() {
        assertThatThrownBy(() -> new ReconnectPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roleCheckInterval=PT-1S");
    }
}
