package io.pgconn.r2dbc;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SessionValidity#otherPrimary}: a usable read-write session on another host than the sticky primary goes unlent. */
class SessionValidityOtherPrimaryTest {

    @Test
    void aUsableSessionOnAnotherHostThanTheStickyPrimaryIsOtherPrimary() {
        assertThat(SessionValidity.otherPrimary(SessionValidity.Verdict.USABLE, "db1:5432", Optional.of("db2:5432")))
                .isEqualTo(SessionValidity.Verdict.OTHER_PRIMARY);
        assertThat(SessionValidity.Verdict.OTHER_PRIMARY.label()).isEqualTo("other-primary");
    }

    @Test
    void aSessionOnTheStickyPrimaryOrWithNoneKnownStays() {
        assertThat(SessionValidity.otherPrimary(SessionValidity.Verdict.USABLE, "db2:5432", Optional.of("db2:5432")))
                .isEqualTo(SessionValidity.Verdict.USABLE);
        assertThat(SessionValidity.otherPrimary(SessionValidity.Verdict.USABLE, "db1:5432", Optional.empty()))
                .isEqualTo(SessionValidity.Verdict.USABLE);
        assertThat(SessionValidity.otherPrimary(SessionValidity.Verdict.USABLE, null, Optional.of("db2:5432")))
                .as("a session without a host spec").isEqualTo(SessionValidity.Verdict.USABLE);
    }

    @Test
    void anUnusableVerdictIsKept() {
        assertThat(SessionValidity.otherPrimary(SessionValidity.Verdict.HOST_DOWN, "db1:5432", Optional.of("db2:5432")))
                .isEqualTo(SessionValidity.Verdict.HOST_DOWN);
    }
}
