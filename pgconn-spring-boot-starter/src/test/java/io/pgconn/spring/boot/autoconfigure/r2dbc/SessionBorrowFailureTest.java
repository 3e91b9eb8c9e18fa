package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectException;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgTimeoutException;
import io.pgconn.ServerErrorFields;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link PgConnSessions} throws for a borrow the pool failed, as {@link SessionBorrowFailure} decides it: a pool's
 * acquisition timeout at a full server (session 25: a {@code PgConnConnectionPool}'s borrower waits its whole wait and
 * its timeout carries the server's 53300 as its cause) is a {@link PgTimeoutException} that keeps the timeout's words —
 * not the 53300 under it, which before that change was what the pool failed with early; a connect's own failure stays
 * the core's, as thrown, a connect that timed out included.
 */
class SessionBorrowFailureTest {

    private static final Duration WAITED = Duration.ofMillis(3004);

    @Test
    void aPoolsTimeoutAtAFullServerIsATimeoutNamingTheRefusal() {
        PgException refused = PgErrors.fromServer("db1:5432", new ServerErrorFields(
                Map.of('S', "FATAL", 'V', "FATAL", 'C', "53300", 'M', "too many connections for role \"app\"")), true);
        R2dbcTransientResourceException refusal = new R2dbcTransientResourceException(refused.getMessage(), "53300", 0, refused);
        R2dbcTimeoutException timeout = new R2dbcTimeoutException("Connection acquisition timed out after 3000ms (pool pgConn),"
                + " waiting for a session to be released: the server had no free slot for the pool's login ("
                + refused.getMessage() + "); the pool had 2 session(s) lent out of at most 2", "53300", 0, refusal);

        RuntimeException thrown = SessionBorrowFailure.of(timeout, new Object(), WAITED);

        assertThat(thrown).isInstanceOf(PgTimeoutException.class).hasCause(timeout)
                .hasMessage("no session from the pool within 3004 ms: " + timeout.getMessage());
    }

    @Test
    void aConnectsOwnFailureIsTheCores() {
        PgException refused = PgErrors.fromServer("db1:5432", new ServerErrorFields(
                Map.of('S', "FATAL", 'V', "FATAL", 'C', "28P01", 'M', "password authentication failed")), true);
        assertThat(SessionBorrowFailure.of(new R2dbcTransientResourceException("no", "28P01", 0, refused), new Object(), WAITED))
                .isSameAs(refused);
        PgTimeoutException connectTimedOut = new PgTimeoutException("db1:5432", "connect to db1:5432 timed out after 2000 ms");
        assertThat(SessionBorrowFailure.of(new R2dbcTimeoutException("timed out", connectTimedOut), new Object(), WAITED))
                .isSameAs(connectTimedOut);
        PgConnectException down = new PgConnectException("db1:5432", "connection to db1:5432 failed: connection refused");
        assertThat(SessionBorrowFailure.of(new R2dbcTransientResourceException("down", down), new Object(), WAITED))
                .isSameAs(down);
    }
}
