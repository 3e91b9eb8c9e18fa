package io.pgconn.r2dbc;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgClosedException;
import io.pgconn.PgCommitOutcomeUnknownException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgFactoryClosedException;
import io.pgconn.PgFailedThenClosedException;
import io.pgconn.PgOutcomeUnknownException;
import io.pgconn.PgServerException;
import io.pgconn.PgStaleStatementException;
import io.pgconn.PgTlsException;
import io.pgconn.ServerErrorFields;
import io.pgconn.config.ConnConfig;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** SQLSTATE classes to the R2DBC exception types Spring's ConnectionFactoryUtils translates from. */
class R2dbcErrorsTest {

    private static R2dbcException translated(String sqlState) {
        Throwable error = R2dbcErrors.translate(new CompletionException(serverError(sqlState)));
        assertThat(error).isInstanceOf(R2dbcException.class);
        R2dbcException r2dbc = (R2dbcException) error;
        assertThat(r2dbc.getSqlState()).isEqualTo(sqlState);
        return r2dbc;
    }

    private static PgServerException serverError(String sqlState) {
        return new PgServerException("db1:5432", "ERROR: " + sqlState,
                new ServerErrorFields(Map.of('S', "ERROR", 'C', sqlState, 'M', "message of " + sqlState)), null);
    }

    @Test
    void dataExceptionsAreDataIntegrityViolations() {
        assertThat(translated("22003")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(translated("22P02")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(translated("22001")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(translated("22012")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
    }

    /** Spring's SQL-state translation counts these as data integrity too. */
    @Test
    void triggeredDataChangeAndWithCheckOptionViolationsAreDataIntegrityViolations() {
        assertThat(translated("27000")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(translated("44000")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
    }

    @Test
    void theOtherClassesKeepTheirTypes() {
        assertThat(translated("23505")).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(translated("42P01")).isInstanceOf(R2dbcBadGrammarException.class);
        assertThat(translated("42501")).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(translated("28P01")).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(translated("40001")).isInstanceOf(R2dbcRollbackException.class);
        assertThat(translated("57014")).isInstanceOf(R2dbcTimeoutException.class);
        assertThat(translated("08006")).isInstanceOf(R2dbcTransientResourceException.class);
        assertThat(translated("53300")).isInstanceOf(R2dbcTransientResourceException.class);
    }

    /**
     * REVIEW-20 R3: a live session's server error of a class no R2DBC category fits was an
     * R2dbcNonTransientResourceException — "the connection may be gone" to the SPI, "database down" to Spring
     * (DataAccessResourceFailureException, which health indicators and circuit breakers count) — for routine statement
     * errors: a RAISE EXCEPTION (P0001), a statement in a failed transaction (25P02), XX000. Now a non-transient
     * exception of the driver's own, the connection valid (Spring: UncategorizedR2dbcException); class 21 (a subquery
     * of more than one row, ON CONFLICT DO UPDATE touching a row twice) is data integrity, as Spring over pgjdbc has it
     * (DuplicateKeyException through sql-error-codes). The resource class stays for what the driver says of the
     * server: 25006 (a standby answering a write), class 58 (the server's I/O, a file missing), no SQLSTATE, a connect.
     */
    @Test
    void aLiveSessionsServerErrorOfNoR2dbcCategoryLeavesTheConnectionValid() {
        for (String routine : new String[] {"P0001", "25P02", "25001", "2BP01", "54000", "0A000", "XX000", "55006", "55000",
                "3B001", "38000", "F0000"}) {
            R2dbcException error = translated(routine);
            assertThat(error).as(routine).isInstanceOf(io.r2dbc.spi.R2dbcNonTransientException.class)
                    .isNotInstanceOf(R2dbcNonTransientResourceException.class).hasMessage("ERROR: " + routine);
            assertThat(ConnectionFactoryUtils.convertR2dbcException("UPDATE", "sql", error)).as(routine)
                    .isInstanceOf(org.springframework.r2dbc.UncategorizedR2dbcException.class);
        }
        R2dbcException moreThanOneRow = translated("21000");
        assertThat(moreThanOneRow).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(ConnectionFactoryUtils.convertR2dbcException("UPDATE", "sql", moreThanOneRow))
                .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);

        for (String server : new String[] {"25006", "58030", "58P01"}) {
            assertThat(translated(server)).as(server).isExactlyInstanceOf(R2dbcNonTransientResourceException.class);
        }
        assertThat(R2dbcErrors.translate(new PgServerException("db1:5432", "ERROR: no SQLSTATE")))
                .isExactlyInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(R2dbcErrors.translate(new PgConnectException("db1:5432", "FATAL: cannot", fields("55000"), null)))
                .as("a connect's failure").isExactlyInstanceOf(R2dbcNonTransientResourceException.class);
    }

    /** user3's F9: a lock timeout is a lock conflict (Spring: PessimisticLockingFailureException), not "database down". */
    @Test
    void aLockNotAvailableIsARollback() {
        assertThat(translated("55P03")).isInstanceOf(R2dbcRollbackException.class);
    }

    /** user3's F0: a COMMIT the server answered with ROLLBACK fails the commit with its own type and 25P02. */
    @Test
    void aRolledBackCommitIsItsOwnNonTransientException() {
        Throwable error = R2dbcErrors.translate(new CompletionException(io.pgconn.PgTransactionRolledBackException.ofCommit("db1:5432")));
        assertThat(error).isInstanceOf(TransactionRolledBackException.class).isInstanceOf(io.r2dbc.spi.R2dbcNonTransientException.class)
                .hasMessageContaining("db1:5432").hasMessageContaining("did not commit");
        assertThat(((R2dbcException) error).getSqlState()).isEqualTo("25P02");
    }

    /**
     * A READ WRITE transaction rolled back because its server turned read-only under target_session_attrs=read-write
     * (docs/r2dbc.md §4): the work belongs on the new primary, so transient (Spring's
     * TransientDataAccessResourceException), its 25P02 kept; the server's own 25P02 and a COMMIT answered ROLLBACK stay
     * non-transient.
     */
    @Test
    void aTransactionRolledBackBecauseItsServerTurnedReadOnlyIsTransient() {
        for (io.pgconn.PgServerTurnedReadOnlyException turned : java.util.List.of(
                io.pgconn.PgServerTurnedReadOnlyException.notCommitted("db1:5432"),
                io.pgconn.PgServerTurnedReadOnlyException.rolledBackAtBegin("db1:5432"))) {
            Throwable error = R2dbcErrors.translate(new CompletionException(turned));
            assertThat(error).isInstanceOf(R2dbcTransientResourceException.class).hasCause(turned)
                    .hasMessageContaining("db1:5432").hasMessageContaining("default_transaction_read_only=on");
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("25P02");
            assertThat(ConnectionFactoryUtils.convertR2dbcException("COMMIT", null, (R2dbcException) error))
                    .as("Spring's translation").isInstanceOf(org.springframework.dao.TransientDataAccessResourceException.class);
        }
        assertThat(translated("25P02")).isNotInstanceOf(io.r2dbc.spi.R2dbcTransientException.class);
        assertThat(R2dbcErrors.translate(io.pgconn.PgTransactionRolledBackException.ofCommit("db1:5432")))
                .isNotInstanceOf(io.r2dbc.spi.R2dbcTransientException.class);
    }

    /**
     * user4's F6: losing the server is transient however it was lost — a closed socket, a host closed
     * by health, a multi-host connect where no host was usable (refused, standby only, 53300) — as
     * 08/53/57 are; a connect that a retry does not cure (login refused, TLS, configuration, unknown
     * database) stays non-transient.
     */
    @Test
    void aLostServerOrAnUnusableHostSetIsTransientButALastingConnectFailureIsNot() {
        assertThat(R2dbcErrors.translate(new PgClosedException("db1:5432", "connection to db1:5432 closed")))
                .isInstanceOf(R2dbcTransientResourceException.class);
        assertThat(R2dbcErrors.translate(new PgConnectException("db1:5432", "connection refused to db1:5432")))
                .isInstanceOf(R2dbcTransientResourceException.class);
        PgConnectException walk = new PgConnectException(null, "could not connect to any of 2 hosts");
        walk.addSuppressed(new PgConnectException("db1:5432", "FATAL: too many", fields("53300"), null));
        walk.addSuppressed(new PgConnectException("db2:5432", "server db2:5432 is standby"));
        assertThat(R2dbcErrors.translate(new CompletionException(walk))).isInstanceOf(R2dbcTransientResourceException.class);

        assertThat(R2dbcErrors.translate(new PgTlsException("db1:5432", "certificate not trusted")))
                .isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(R2dbcErrors.translate(new PgConfigException("db1:5432", "bad sslmode")))
                .isInstanceOf(R2dbcNonTransientResourceException.class);
        PgConnectException lasting = new PgConnectException(null, "could not connect to any of 2 hosts");
        lasting.addSuppressed(new PgTlsException("db1:5432", "certificate not trusted"));
        lasting.addSuppressed(new PgConnectException("db2:5432", "FATAL: no database", fields("3D000"), null));
        assertThat(R2dbcErrors.translate(lasting)).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(R2dbcErrors.translate(new PgAuthenticationException(null, "could not connect to any of 2 hosts",
                fields("28P01"), null))).isInstanceOf(R2dbcPermissionDeniedException.class);
    }

    /**
     * A connect on a closed factory (the core's {@link PgFactoryClosedException}, a {@link PgClosedException}) was
     * transient like a lost server, but a closed factory never connects again: a retry policy would retry it for
     * nothing. Non-transient, itself and as the failure that decided a walk; its message is the core's.
     */
    @Test
    void aConnectOnAClosedFactoryIsNotTransient() {
        PgConnectionFactory core = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();
        core.close();
        Throwable closed = catchThrowable(() -> Mono.from(PgConnR2dbcConnectionFactory.of(core).create()).block(Duration.ofSeconds(5)));
        assertThat(closed).isInstanceOf(R2dbcNonTransientResourceException.class)
                .hasMessageContaining("connection factory is closed").hasCauseInstanceOf(PgFactoryClosedException.class);

        PgConnectException walk = new PgConnectException(null, "could not connect to any of 2 hosts");
        walk.addSuppressed(new PgConnectException("db1:5432", "connection refused to db1:5432"));
        walk.addSuppressed(new PgFactoryClosedException("db2:5432", "connect to db2:5432 failed: the connection factory was closed"));
        assertThat(R2dbcErrors.translate(new CompletionException(walk))).isInstanceOf(R2dbcNonTransientResourceException.class);
    }

    /**
     * REVIEW F2: a walk is classified by the host failure that decided it (the last, which stopped the walk
     * or was the last host to move on from), not by a host that was down before it.
     */
    @Test
    void aMultiHostConnectIsClassifiedByTheFailureThatDecidedTheWalk() {
        PgConnectException missingDatabase = new PgConnectException(null, "could not connect to any of 2 hosts");
        missingDatabase.addSuppressed(new PgConnectException("db1:5432", "connection refused to db1:5432"));
        missingDatabase.addSuppressed(new PgConnectException("db2:5432", "FATAL: no database", fields("3D000"), null));
        Throwable error = R2dbcErrors.translate(new CompletionException(missingDatabase));
        assertThat(error).isInstanceOf(R2dbcNonTransientResourceException.class).hasMessage(missingDatabase.getMessage());
        assertThat(((R2dbcException) error).getSqlState()).isEqualTo("3D000");
        assertThat(error.getCause()).isSameAs(missingDatabase);

        PgAuthenticationException wrongPassword = new PgAuthenticationException(null, "could not connect to any of 2 hosts",
                fields("28P01"), null);
        wrongPassword.addSuppressed(new PgConnectException("db1:5432", "connection refused to db1:5432"));
        wrongPassword.addSuppressed(new PgAuthenticationException("db2:5432", "FATAL: password", fields("28P01"), null));
        assertThat(R2dbcErrors.translate(wrongPassword)).isInstanceOf(R2dbcPermissionDeniedException.class);

        PgConnectException downThenStandby = new PgConnectException(null, "could not connect to any of 2 hosts");
        downThenStandby.addSuppressed(new PgTlsException("db1:5432", "certificate not trusted"));
        downThenStandby.addSuppressed(new PgConnectException("db2:5432", "connection refused to db2:5432"));
        assertThat(R2dbcErrors.translate(downThenStandby)).as("the last host was down: a retry may find it up")
                .isInstanceOf(R2dbcTransientResourceException.class);
    }

    /**
     * REVIEW F1: an error that ended the session is one of the two resource exceptions (the R2DBC spec lets
     * the application assume the connection valid after any other), decided before the SQLSTATE class —
     * as the statement's own FATAL and as the closed session's error for the next operation.
     */
    @Test
    void anErrorThatEndedTheSessionIsAResourceFailureWhateverItsSqlStateClass() {
        for (String newSessionCanRetry : new String[] {"40001", "57014", "57P01", "57P05", "08P01", "53200"}) {
            assertThat(R2dbcErrors.translate(fatal(newSessionCanRetry, "FATAL"))).as(newSessionCanRetry)
                    .isExactlyInstanceOf(R2dbcTransientResourceException.class);
            assertThat(R2dbcErrors.translate(closedAfter(newSessionCanRetry))).as(newSessionCanRetry)
                    .isExactlyInstanceOf(R2dbcTransientResourceException.class);
        }
        assertThat(R2dbcErrors.translate(fatal("XX000", "PANIC"))).isExactlyInstanceOf(R2dbcTransientResourceException.class);
        for (String retryMeetsItAgain : new String[] {"57P04", "25P03", "25P04"}) {
            Throwable error = R2dbcErrors.translate(closedAfter(retryMeetsItAgain));
            assertThat(error).as(retryMeetsItAgain).isExactlyInstanceOf(R2dbcNonTransientResourceException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo(retryMeetsItAgain);
            assertThat(R2dbcErrors.translate(fatal(retryMeetsItAgain, "FATAL"))).as(retryMeetsItAgain)
                    .isExactlyInstanceOf(R2dbcNonTransientResourceException.class);
        }
        // the session lives on after an ERROR; a connect's FATAL is a connect failure
        assertThat(translated("40001")).isInstanceOf(R2dbcRollbackException.class);
        assertThat(R2dbcErrors.translate(new PgAuthenticationException("db1:5432", "FATAL: password", fields("28P01"), null)))
                .isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(R2dbcErrors.translate(new PgConnectException("db1:5432", "FATAL: no database", fields("3D000"), null)))
                .isExactlyInstanceOf(R2dbcNonTransientResourceException.class);
    }

    /** REVIEW-8 F3: a COMMIT whose session ended after it was sent may have committed: never transient, whatever ended it. */
    @Test
    void aCommitWithAnUnknownOutcomeIsNonTransientWhateverEndedTheSession() {
        PgClosedException lost = new PgClosedException("db1:5432", "connection to db1:5432 was lost");
        for (PgClosedException ended : new PgClosedException[] {lost, closedAfter("57P01"), closedAfter("40001")}) {
            Throwable error = R2dbcErrors.translate(new CompletionException(new PgCommitOutcomeUnknownException(ended)));
            assertThat(error).as(ended.getMessage()).isExactlyInstanceOf(R2dbcNonTransientResourceException.class)
                    .hasMessageContaining("may or may not have committed").hasMessageContaining("db1:5432");
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo(ended.sqlState().orElse(null));
        }
    }

    /**
     * user13's F7: a statement sent before the connection was lost and not answered may have been executed (and, in
     * autocommit, committed): non-transient like the unknown COMMIT, so a transient-only retry policy does not apply it
     * twice. One that was not sent (or that the session's end undid) is the plain closed connection: transient.
     */
    @Test
    void aStatementWhoseOutcomeIsUnknownIsNonTransientAndOneNotSentIsTransient() {
        PgClosedException lost = new PgClosedException("db1:5432", "connection to db1:5432 closed: the server reset the connection");

        Throwable unknown = R2dbcErrors.translate(new CompletionException(new PgOutcomeUnknownException(lost)));
        assertThat(unknown).isExactlyInstanceOf(R2dbcNonTransientResourceException.class)
                .hasMessageContaining("it may have been executed").hasCauseInstanceOf(PgOutcomeUnknownException.class);

        PgClosedException notSent = new PgClosedException("db1:5432", lost.getMessage() + "; the statement was not sent, so it did not run");
        assertThat(R2dbcErrors.translate(new CompletionException(notSent))).isExactlyInstanceOf(R2dbcTransientResourceException.class);
        assertThat(R2dbcErrors.translate(new CompletionException(closedAfter("57P01"))))
                .as("the server's own FATAL: the statement did not take effect").isExactlyInstanceOf(R2dbcTransientResourceException.class);
    }

    /**
     * A statement the server had failed (23505) before the connection was lost did not take effect, and what happened
     * to it is the server's error: its R2DBC exception with its SQLSTATE (Spring's DuplicateKeyException), the message
     * saying the connection was then lost — whatever ended the session (a reset: none; a FATAL 57P01). Seen failing
     * before: the session end's R2dbcTransientResourceException (SQLSTATE none or 57P01), the 23505 only in getCause().
     */
    @Test
    void aStatementTheServerFailedBeforeTheConnectionWasLostIsTheServersError() {
        PgClosedException reset = new PgClosedException("db1:5432", "connection to db1:5432 closed: the server reset the connection");
        for (PgClosedException ended : new PgClosedException[] {reset, closedAfter("57P01")}) {
            PgServerException duplicate = serverError("23505");
            Throwable error = R2dbcErrors.translate(new CompletionException(new PgFailedThenClosedException(ended, duplicate)));
            assertThat(error).as(ended.getMessage()).isExactlyInstanceOf(R2dbcDataIntegrityViolationException.class)
                    .hasMessageStartingWith(duplicate.getMessage() + "; then the connection was lost: " + ended.getMessage())
                    .hasMessageContaining("the server had failed the statement (SQLSTATE 23505) before the session ended, so it did not take effect")
                    .hasCauseInstanceOf(PgFailedThenClosedException.class);
            assertThat(((R2dbcException) error).getSqlState()).isEqualTo("23505");
            assertThat(ConnectionFactoryUtils.convertR2dbcException("INSERT", null, (R2dbcException) error))
                    .as("Spring's translation").isInstanceOf(DuplicateKeyException.class);
        }
        Throwable serialization = R2dbcErrors.translate(new PgFailedThenClosedException(reset, serverError("40001")));
        assertThat(serialization).isExactlyInstanceOf(R2dbcRollbackException.class);
        assertThat(((R2dbcException) serialization).getSqlState()).isEqualTo("40001");
    }

    /**
     * user13's F3: a cached statement the server refused as stale (0A000 after an ALTER TABLE, inside a transaction
     * where the core cannot re-run it) is a rollback — the connection stays valid, one retry of the transaction
     * succeeds — which Spring makes a transient PessimisticLockingFailureException; a 0A000 of anything else is no
     * rollback.
     */
    @Test
    void aStaleCachedStatementIsARollbackAndAnyOther0A000IsNot() {
        PgServerException stale = new PgServerException("db1:5432", "ERROR: cached plan must not change result type (SQLSTATE 0A000)",
                new ServerErrorFields(Map.of('S', "ERROR", 'C', "0A000", 'M', "cached plan must not change result type",
                        'R', "RevalidateCachedQuery")), null);

        Throwable error = R2dbcErrors.translate(new CompletionException(new PgStaleStatementException(stale)));
        assertThat(error).isExactlyInstanceOf(R2dbcRollbackException.class).hasMessageContaining("roll back and retry the transaction");
        assertThat(((R2dbcException) error).getSqlState()).isEqualTo("0A000");
        assertThat(translated("0A000")).isNotInstanceOf(R2dbcRollbackException.class);
    }

    private static PgServerException fatal(String sqlState, String severity) {
        return new PgServerException("db1:5432", severity + ": " + sqlState,
                new ServerErrorFields(Map.of('S', severity, 'V', severity, 'C', sqlState, 'M', "terminating connection")), null);
    }

    /** What the core reports for the next operation on a session the server ended with a FATAL. */
    private static PgClosedException closedAfter(String sqlState) {
        PgServerException fatal = fatal(sqlState, "FATAL");
        return new PgClosedException("db1:5432", "connection to db1:5432 closed: " + fatal.getMessage(), fatal.serverFields(), fatal);
    }

    private static ServerErrorFields fields(String sqlState) {
        return new ServerErrorFields(Map.of('S', "FATAL", 'C', sqlState, 'M', "refused"));
    }
}
