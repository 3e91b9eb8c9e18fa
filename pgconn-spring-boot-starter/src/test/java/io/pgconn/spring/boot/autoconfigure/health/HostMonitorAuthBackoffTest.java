package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.ServerErrorFields;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spi.HostObservations;
import io.pgconn.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A refused login (wrong password) is not retried every host-check-interval: the monitor backs off,
 * doubling the wait up to 30 s, keeps showing the failure, and resets on an answer. Driven probe by
 * probe on a settable clock; the factory is a stand-in that counts logins.
 */
class HostMonitorAuthBackoffTest {

    private static final HostSpec HOST = HostSpec.of("db.test", 5432);

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));

    private final AtomicInteger logins = new AtomicInteger();

    /** What each login does; the default: refused with 28P01. */
    private volatile Failure next = Failure.WRONG_PASSWORD;

    private HostMonitor monitor;

    enum Failure { WRONG_PASSWORD, PG_HBA_REJECT, REFUSED, NONE }

    @BeforeEach
    void monitor() {
        PgConnectionFactory application = mock(PgConnectionFactory.class);
        when(application.hostObservations(org.mockito.ArgumentMatchers.any())).thenReturn(mock(HostObservations.class));
        when(application.config()).thenReturn(ConnConfig.builder().hosts(HOST).user("app").password("Secret-pw").build());
        PgConnectionFactory monitorFactory = mock(PgConnectionFactory.class);
        when(monitorFactory.connect(any(ConnConfig.class))).thenAnswer(invocation -> {
            this.logins.incrementAndGet();
            return switch (this.next) {
                case WRONG_PASSWORD -> CompletableFuture.failedFuture(new PgAuthenticationException(HOST.label(),
                        "password authentication failed for user \"app\"", fields("28P01"), null));
                case PG_HBA_REJECT -> CompletableFuture.failedFuture(new PgException(HOST.label(),
                        "no pg_hba.conf entry", fields("28000"), null));
                case REFUSED -> CompletableFuture.failedFuture(new PgException(HOST.label(), "connection refused",
                        new ConnectException("Connection refused")));
                case NONE -> CompletableFuture.completedFuture(primary());
            };
        });
        this.monitor = new HostMonitor(HOST, monitorFactory, application, INTERVAL, Duration.ofSeconds(1), this.clock,
                view -> { });
    }

    @Test
    void refusedLoginsDoubleTheWaitUpToThirtySecondsAndTheHealthKeepsShowingTheFailure() {
        List<Long> secondsBetweenLogins = loginGapsOverProbes(200);
        assertThat(secondsBetweenLogins).startsWith(2L, 4L, 8L, 16L, 30L, 30L);
        assertThat(secondsBetweenLogins).allMatch(gap -> gap <= 30);
        assertThat(this.monitor.view().isUp()).isFalse();
        assertThat(this.monitor.view().error()).isEqualTo("authentication failed (db.test:5432)");
        assertThat(this.monitor.view().nextCheckAt()).as("health says when the next login comes")
                .isEqualTo(this.monitor.nextLoginAt()).isNotNull();
    }

    @Test
    void pgHbaRejectionBacksOffToo() {
        this.next = Failure.PG_HBA_REJECT;
        assertThat(loginGapsOverProbes(20)).startsWith(2L, 4L, 8L);
    }

    @Test
    void otherFailuresAreRetriedEveryInterval() {
        this.next = Failure.REFUSED;
        assertThat(loginGapsOverProbes(10)).containsOnly(1L);
        assertThat(this.monitor.nextLoginAt()).isNull();
        assertThat(this.monitor.view().nextCheckAt()).as("checked at every probe").isNull();
    }

    @Test
    void anAnswerResetsTheBackoff() {
        loginGapsOverProbes(40); // backing off by now
        assertThat(this.monitor.nextLoginAt()).isNotNull();
        this.next = Failure.NONE;
        this.clock.advance(Duration.ofSeconds(30));
        this.monitor.probe().join();
        assertThat(this.monitor.view().isUp()).isTrue();
        assertThat(this.monitor.nextLoginAt()).isNull();
    }

    /** Probes once per interval for {@code probes} intervals; the seconds between consecutive logins. */
    private List<Long> loginGapsOverProbes(int probes) {
        List<Long> gaps = new ArrayList<>();
        Instant last = null;
        for (int i = 0; i < probes; i++) {
            int before = this.logins.get();
            this.monitor.probe().join();
            if (this.logins.get() > before) {
                Instant now = this.clock.instant();
                if (last != null) {
                    gaps.add(Duration.between(last, now).toSeconds());
                }
                last = now;
            }
            this.clock.advance(INTERVAL);
        }
        return gaps;
    }

    private static ServerErrorFields fields(String sqlState) {
        return new ServerErrorFields(Map.of('S', "FATAL", 'C', sqlState, 'M', "refused"));
    }

    private static PgConnection primary() {
        PgConnection connection = mock(PgConnection.class);
        when(connection.currentRole()).thenReturn(CompletableFuture.completedFuture(ServerRole.PRIMARY));
        when(connection.serverVersion()).thenReturn("18.0");
        when(connection.simpleQuery(ServerIdentity.QUERY)).thenReturn(CompletableFuture.failedFuture(new UnsupportedOperationException(
                "a stand-in session tells no server identity")));
        return connection;
    }
}
