package io.pgconn.r2dbc;

import io.pgconn.ConnectFailures;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.ServerErrorFields;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

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
    void aWalkReportKeepsItsHostsAndItsDecidingHostAndNamesTheStandbyLeftOut() {
        PgException refused = failure(STANDBY, "28000");
        PgException down = new PgConnectException("standby2:5432", "connection refused");
        PgException full = failure(PRIMARY, "53300");
        PgException walk = walk(2, down, full);
        assertThat(walk.getMessage()).isEqualTo("could not connect to any of 2 hosts (target_session_attrs=prefer-standby):"
                + "\n  standby2:5432: connection refused\n  primary:5432: FATAL: 53300");

        Throwable thrown = PgConnR2dbcConnectionFactory.fallbackFailure(refused, walk);

        // REVIEW-25 R25-6: the report listed only the hosts the retry tried
        assertThat(thrown).isInstanceOf(PgConnectException.class).hasMessage(walk.getMessage().replace("any of 2", "any of 3")
                + "\n  standby:5432: left out of the retry: it refused this factory's login (28000)");
        assertThat(thrown.getSuppressed()).containsExactly(down, full);
        assertThat(ConnectFailures.deciding((PgException) thrown)).isSameAs(full);
        assertThat(R2dbcErrors.translate(thrown)).isInstanceOf(R2dbcTransientResourceException.class);
    }

    /**
     * The first connect's failure is itself a walk's report when a host failed before the refusing standby stopped the
     * walk: the line names that standby and its 28000 (until session 26 it read {@code null: left out ... (no
     * SQLSTATE)}: the report's own host and SQLSTATE), once, under the retry's hosts, each of them once.
     */
    @Test
    void aFirstWalkReportNamesTheStandbyThatStoppedItOnceUnderTheRetrysHostsEachOnce() {
        PgException standby2Down = new PgConnectException("standby2:5432", "connection refused");
        PgException refusedLogin = failure(STANDBY, "28000");
        PgException first = walk(3, standby2Down, refusedLogin);
        PgException standby2DownAgain = new PgConnectException("standby2:5432", "connection refused");
        PgException full = failure(PRIMARY, "53300");
        PgException walk = walk(2, standby2DownAgain, full);

        Throwable thrown = PgConnR2dbcConnectionFactory.fallbackFailure(first, walk);

        assertThat(thrown.getMessage()).as("three hosts, each counted once (REVIEW-26: \"any of 2\" above three lines)")
                .isEqualTo("could not connect to any of 3 hosts (target_session_attrs=prefer-standby):"
                + "\n  standby2:5432: connection refused"
                + "\n  primary:5432: FATAL: 53300"
                + "\n  standby:5432: left out of the retry: it refused this factory's login (28000)");
        assertThat(thrown.getSuppressed()).containsExactly(standby2DownAgain, full);
        assertThat(ConnectFailures.deciding((PgException) thrown)).isSameAs(full);
    }

    @Test
    void theRetryGetsWhatIsLeftOfTheWholeConnectDeadline() {
        ConnConfig others = ConnConfig.parse("host=primary port=5432 user=u connectTimeout=30s", EnvironmentSource.none());

        assertThat(PgConnR2dbcConnectionFactory.withWhatIsLeft(others, Duration.ofSeconds(12).toNanos()).connectTimeout())
                .isEqualTo(Duration.ofSeconds(18));
        assertThat(PgConnR2dbcConnectionFactory.withWhatIsLeft(others, Duration.ofSeconds(30).toNanos()))
                .as("nothing left: no second connect").isNull();
        ConnConfig unbounded = ConnConfig.parse("host=primary port=5432 user=u connectTimeout=0", EnvironmentSource.none());
        assertThat(PgConnR2dbcConnectionFactory.withWhatIsLeft(unbounded, Duration.ofMinutes(5).toNanos())).isSameAs(unbounded);
    }

    /** The core's report of a prefer-standby walk over {@code hostCount} hosts, which failed with {@code hosts}, in order. */
    private static PgException walk(int hostCount, PgException... hosts) {
        return ConnectFailures.walkReport(hostCount, "prefer-standby", Stream.of(hosts).map(h -> Map.entry(h.host(), h)).toList());
    }

    private static PgException failure(String host, String sqlState) {
        return new PgConnectException(host, "FATAL: " + sqlState, new ServerErrorFields(Map.of('S', "FATAL", 'C', sqlState, 'M', "no")),
                null);
    }
}
