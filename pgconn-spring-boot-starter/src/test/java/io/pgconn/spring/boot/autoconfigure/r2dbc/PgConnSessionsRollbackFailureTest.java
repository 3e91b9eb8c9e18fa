package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

/**
 * A session whose rollback fails is closed before it goes back to the pool, so the pool drops it instead of
 * lending a session in an unknown transaction state; the work's exception is thrown with the rollback's
 * attached. No real server makes a {@code ROLLBACK} fail on a live session, so the session is a mock.
 */
class PgConnSessionsRollbackFailureTest {

    private final PgConnection session = mock(PgConnection.class);

    private final Connection pooled = mock(Connection.class, withSettings().extraInterfaces(Wrapped.class));

    private final ConnectionFactory pool = mock(ConnectionFactory.class);

    /** The mock connection stands for a pooled pgconn one: its session is the mock session. */
    private final PgConnSessions sessions = new PgConnSessions(pool, PgConnSessions.DEFAULT_ROLLBACK_WAIT, PgConnSessions.DEFAULT_COMMIT_WAIT,
            connection -> connection == pooled ? session : null);

    PgConnSessionsRollbackFailureTest() {
        when(pooled.close()).thenAnswer(call -> Mono.empty());
        when(pool.create()).thenAnswer(call -> Mono.just(pooled));
        when(session.beginWithFirstStatement(any(TransactionOptions.class))).thenReturn(CompletableFuture.completedFuture(null));
        when(session.transactionStatus()).thenReturn(TransactionStatus.IN_TRANSACTION);
        when(session.transactionStatusAfterInFlight()).thenAnswer(call -> CompletableFuture.completedFuture(session.transactionStatus()));
        when(session.close()).thenReturn(CompletableFuture.completedFuture(null));
    }

    @Test
    void aSessionWhoseRollbackFailedIsClosedBeforeItGoesBack() {
        PgServerException rollbackFailure = new PgServerException("db.test:5432", "rollback refused");
        when(session.rollback()).thenReturn(CompletableFuture.failedFuture(rollbackFailure));
        IllegalStateException workFailure = new IllegalStateException("the work failed");
        assertThatThrownBy(() -> sessions.inTransaction(c -> {
            throw workFailure;
        })).isSameAs(workFailure);
        assertThat(workFailure.getSuppressed()).containsExactly(rollbackFailure);
        var order = inOrder(session, pooled);
        order.verify(session).rollback();
        order.verify(session).close();
        order.verify(pooled).close();
    }

    @Test
    void aSessionStillInATransactionAfterItsRollbackIsClosedToo() {
        when(session.rollback()).thenReturn(CompletableFuture.completedFuture(null));
        assertThatThrownBy(() -> sessions.inTransaction(c -> {
            throw new OutOfMemoryError("simulated");
        })).isInstanceOf(OutOfMemoryError.class);
        verify(session).close();
        verify(pooled).close();
    }

    @Test
    void aSessionRolledBackToIdleGoesBackOpen() {
        when(session.rollback()).thenAnswer(call -> {
            when(session.transactionStatus()).thenReturn(TransactionStatus.IDLE);
            return CompletableFuture.completedFuture(null);
        });
        assertThatThrownBy(() -> sessions.inTransaction(c -> {
            throw new IllegalStateException("the work failed");
        })).isInstanceOf(IllegalStateException.class);
        verify(session, never()).close();
        verify(pooled).close();
    }

    @Test
    void aRollbackWaitThatIsNotPositiveIsRefusedNamed() {
        assertThatThrownBy(() -> new PgConnSessions(pool, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rollbackWait PT0S: expected a positive duration");
    }

    @Test
    void aCommitWaitThatIsNotPositiveIsRefusedNamed() {
        assertThatThrownBy(() -> new PgConnSessions(pool, PgConnSessions.DEFAULT_ROLLBACK_WAIT, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("commitWait PT-0.001S: expected a positive duration");
    }

    /** The session's state is unknown: it is closed, and no ROLLBACK is queued behind the COMMIT that went unanswered. */
    @Test
    void aCommitNotAnsweredInTimeClosesTheSessionWithoutARollback() {
        when(session.commit()).thenReturn(new CompletableFuture<>());
        when(session.close()).thenAnswer(call -> {
            when(session.isClosed()).thenReturn(true);
            return CompletableFuture.completedFuture(null);
        });
        PgConnSessions impatient = new PgConnSessions(pool, PgConnSessions.DEFAULT_ROLLBACK_WAIT, Duration.ofMillis(50),
                connection -> session);
        assertThatThrownBy(() -> impatient.inTransaction(c -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("not answered within 50 ms: whether the transaction committed is unknown; the session is closed");
        verify(session, never()).rollback();
        var order = inOrder(session, pooled);
        order.verify(session).close();
        order.verify(pooled).close();
    }

    /** The work returned with its savepoint's RELEASE held back: the session is closed, not left to the next statement. */
    @Test
    void aSavepointReleaseNotAnsweredInTimeClosesTheSession() {
        when(session.setSavepoint("step")).thenReturn(CompletableFuture.completedFuture(null));
        when(session.releaseSavepoint("step")).thenReturn(new CompletableFuture<>());
        PgConnSessions impatient = new PgConnSessions(pool, Duration.ofMillis(50), PgConnSessions.DEFAULT_COMMIT_WAIT,
                connection -> session);
        assertThatThrownBy(() -> impatient.inSavepoint(session, "step", c -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("RELEASE SAVEPOINT step on ")
                .hasMessageEndingWith("not answered within 50 ms: the session is closed, its transaction with it");
        verify(session).close();
    }

    @Test
    void aConnectionThatIsNoPgconnSessionIsGivenBackAndNamed() {
        when(((Wrapped<?>) pooled).unwrap()).thenReturn(null);
        assertThatThrownBy(() -> new PgConnSessions(pool).withSession(c -> 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a pgconn R2DBC connection: " + pooled.getClass().getName());
        verify(pooled).close();
    }
}
