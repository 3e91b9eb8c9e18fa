package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.ServerErrorFields;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-24 R24-10: a prefer-standby connect stopped by a standby refusing the factory's logins (28000) and failing again
 * without it used to throw the standby's 28000 — a full primary behind it read as a refused login (non-transient, no
 * create retry), and with a walk report the appended failure changed which host decided it. What the fallback met
 * decides now, and a walk report's own list of host failures is left as it is.
 */
class PreferStandbyFallbackFailureTest {

    private static final String STANDBY = "standby:5432";
    private static final String PRIMARY = "primary:5432";

    @Test
    void aFullPrimaryBehindARefusingStandbyIsANoFreeSlotFailure() {
        PgException refused = failure(STANDBY, "28000");
        PgException full = failure(PRIMARY, "53300");

        Throwable thrown = PgConnR2dbcConnectionFactory.fallbackFailure(refused, full);
        assertThat(thrown).isSameAs(full).hasSuppressedException(refused);
        assertThat(ConnectFailures.isNoFreeSlot(full)).isTrue();
        assertThat(R2dbcErrors.translate(thrown)).isInstanceOf(R2dbcTransientResourceException.class)
                .isNotInstanceOf(R2dbcPermissionDeniedException.class);
    }

    @Test
    void aWalkReportKeepsItsHostsAndItsDecidingHost() {
        PgException refused = failure(STANDBY, "28000");
        PgException walk = new PgConnectException(null, "could not connect to any host");
        walk.addSuppressed(new PgConnectException("standby2:5432", "connection refused"));
        PgException full = failure(PRIMARY, "53300");
        walk.addSuppressed(full);

        Throwable thrown = PgConnR2dbcConnectionFactory.fallbackFailure(refused, walk);
        assertThat(thrown).isSameAs(walk);
        assertThat(walk.getSuppressed()).containsExactly(walk.getSuppressed()[0], full);
        assertThat(ConnectFailures.deciding(walk)).isSameAs(full);
    }

    private static PgException failure(String host, String sqlState) {
        return new PgConnectException(host, "FATAL: " + sqlState, new ServerErrorFields(Map.of('S', "FATAL", 'C', sqlState, 'M', "no")),
                null);
    }
}
