package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.netty.channel.DefaultEventLoop;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgServerException;
import io.pgconn.PgTransactionRolledBackException;
import io.pgconn.internal.session.RoundTrips;
import io.pgconn.query.IsolationLevel;
import io.pgconn.query.Row;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.proxy.ProxyConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PgConnSessions} against a real PostgreSQL, through the starter's pool: commit, roll back on any
 * exception (an {@link Error} too), read only, isolation and deferrable as the server shows them,
 * savepoints, a commit the server turned into a rollback, a transaction {@code withSession}'s work left
 * open, a session that ended — and after every path the pool holds no session lent and each one it holds
 * is idle on the server. On an event loop or a Reactor non-blocking thread it refuses before borrowing.
 */
@ExtendWith(OutputCaptureExtension.class)
class PgConnSessionsIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgConnSessionsTestSetup.cluster("starter-sessions");

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final ApplicationContextRunner runner = PgConnSessionsTestSetup.runner(2);

    private void run(Consumer<Sessions> test) {
        run(runner, test);
    }

    private static void run(ApplicationContextRunner runner, Consumer<Sessions> test) {
        PgConnSessionsTestSetup.onThePrimary(runner, PG).run(context -> {
            Sessions sessions = new Sessions(context);
            test.accept(sessions);
            sessions.assertThePoolIsIdle();
        });
    }

    /** The bean under test, a table of its own, and the pool's counts. */
    private static final class Sessions {

        final PgConnSessions sessions;

        final PoolMetrics pool;

        final PgConnectionFactory factory;

        final ConnectionFactory connectionFactory;

        final String table = "sessions_" + TABLES.incrementAndGet();

        Sessions(ApplicationContext context) {
            this.sessions = context.getBean(PgConnSessions.class);
            this.pool = context.getBean(ConnectionPool.class).getMetrics().orElseThrow();
            this.factory = context.getBean(PgConnectionFactory.class);
            this.connectionFactory = context.getBean(ConnectionFactory.class);
            this.sessions.withSession(c -> c.simpleQuery("CREATE TABLE " + table + " (id int PRIMARY KEY)").join());
            assertThePoolIsIdle();
        }

        long rows() {
            return this.sessions.withSession(c -> c.query("SELECT count(*) FROM " + table).join().single(Long.class));
        }

        void insert(PgConnection c, int id) {
            c.query("INSERT INTO " + table + " VALUES ($1)", id).join();
        }

        /** The next sessions lent are never the one with that backend pid (it was closed, not handed back). */
        void assertNeverLentAgain(int processId) {
            for (int i = 0; i < 3; i++) {
                assertThat(this.sessions.withSession(PgConnection::processId)).isNotEqualTo(processId);
            }
        }

        /** No session lent, and every session the pool holds is open (none closed by a rollback that worked) and idle. */
        void assertThePoolIsIdle() {
            assertThat(this.factory.openConnections()).as("open sessions").isEqualTo(this.pool.allocatedSize());
            assertThat(this.pool.acquiredSize()).as("sessions still lent").isZero();
            assertThat(this.pool.idleSize()).as("idle sessions").isEqualTo(this.pool.allocatedSize());
            long notIdle = this.sessions.withSession(c -> {
                assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
                return c.query("SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND state <> 'idle' AND pid <> pg_backend_pid()",
                        StarterCluster.USER).join().single(Long.class);
            });
            assertThat(notIdle).as("sessions of the pool's user busy or in a transaction on the server").isZero();
            assertThat(this.pool.acquiredSize()).isZero();
        }
    }

    @Test
    void theWorkIsCommittedAndItsResultReturned() {
        run(s -> {
            String result = s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                s.insert(c, 2);
                assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
                return "two rows";
            });
            assertThat(result).isEqualTo("two rows");
            assertThat(s.rows()).isEqualTo(2);
        });
    }

    /**
     * NEW-USER-25 F1: the BEGIN rides in the Sync group of the work's first statement (core beginWithFirstStatement),
     * so a one-row read in inTransaction is two round trips — BEGIN with the SELECT, then the COMMIT — as pgjdbc's
     * setAutoCommit(false), executeQuery, commit; it was three (the BEGIN awaited on its own; seen failing so, 3). Work
     * that runs nothing sends nothing (it was BEGIN and COMMIT, 2). Counted as the ReadyForQuery messages the one
     * pooled session reads; the statement still ran in the transaction (its rollback undoes an insert).
     */
    @Test
    void aOneRowReadInATransactionIsTwoRoundTripsAsPgjdbcs() {
        run(PgConnSessionsTestSetup.runner(1), s -> {
            RoundTrips roundTrips = s.sessions.withSession(RoundTrips::on);
            int id = s.sessions.inTransaction(c -> c.query("SELECT 42").join().single(Integer.class));
            assertThat(id).isEqualTo(42);
            assertThat(roundTrips.take()).as("BEGIN+SELECT, COMMIT").isEqualTo(2);
            String nothing = s.sessions.inTransaction(c -> "nothing run");
            assertThat(nothing).isEqualTo("nothing run");
            assertThat(roundTrips.take()).as("neither BEGIN nor COMMIT").isZero();
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                throw new IllegalStateException("undo");
            })).hasMessage("undo");
            assertThat(s.rows()).as("the first statement ran inside the transaction").isZero();
        });
    }

    /**
     * NEW-USER-20 F15: work that ends the transaction inTransaction gave it (a JDBC "commit every N rows" habit, its own
     * rollback(), a COMMIT run as SQL) left the rest of it in autocommit, and the rollback on a throw then undid
     * nothing without a word. Now it is told: an IllegalStateException for work that returns so, one attached to (and
     * a WARN for) the exception of work that throws so. Commit-and-begin-again is committed at the end, as pgjdbc with
     * auto-commit off. Seen failing before: the work's exception came without a suppressed one, a return without one.
     */
    @Test
    void workThatEndsItsTransactionIsToldSo(CapturedOutput output) {
        run(s -> {
            IllegalStateException thrown = new IllegalStateException("fail after inner commit");
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                c.commit().join();
                s.insert(c, 2);
                throw thrown;
            })).isSameAs(thrown);
            assertThat(thrown.getSuppressed()).hasSize(1);
            assertThat(thrown.getSuppressed()[0]).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("threw outside a transaction").hasMessageContaining("nothing was rolled back");
            assertThat(s.rows()).as("the work's commit, then autocommit: both rows kept").isEqualTo(2);
            assertThat(output.getOut()).contains("pgconn: the work of PgConnSessions.inTransaction on");

            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 3);
                c.rollback().join();
                s.insert(c, 4);
                return "done";
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("returned outside a transaction");
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> c.simpleQuery("COMMIT").join()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("ended the one inTransaction began");
            assertThat(s.rows()).isEqualTo(3);

            String chunks = s.sessions.inTransaction(c -> {
                s.insert(c, 5);
                c.commit().join();
                c.begin().join();
                s.insert(c, 6);
                return "chunks";
            });
            assertThat(chunks).isEqualTo("chunks");
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 7);
                c.commit().join();
                c.begin().join();
                s.insert(c, 8);
                throw new IllegalArgumentException("fail in the second chunk");
            })).isInstanceOf(IllegalArgumentException.class).satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(s.rows()).as("1, 2, 4, 5, 6, 7: the last part rolled back").isEqualTo(6);

            // REVIEW-20 R11: a commit() the work submitted without waiting for it is seen too
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 9);
                c.commit();
                return "not waited for";
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("returned outside a transaction");
            assertThat(s.rows()).isEqualTo(7);
        });
    }

    @Test
    void anExceptionRollsBackAndIsRethrownAsItIs() {
        run(s -> {
            IllegalArgumentException thrown = new IllegalArgumentException("no such account");
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                throw thrown;
            })).isSameAs(thrown).satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(s.rows()).isZero();
        });
    }

    @Test
    void anErrorRollsBackToo() {
        run(s -> {
            AssertionError thrown = new AssertionError("a failed check in the work");
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                throw thrown;
            })).isSameAs(thrown);
            assertThat(s.rows()).isZero();
        });
    }

    @Test
    void aReadOnlyTransactionRefusesAWrite() {
        run(s -> {
            assertThatThrownBy(() -> s.sessions.inTransaction(TransactionOptions.DEFAULT.readOnly(true), c -> {
                assertThat(c.simpleQuery("SHOW transaction_read_only").join().singleValue()).isEqualTo("on");
                s.insert(c, 1);
                return null;
            })).isInstanceOf(CompletionException.class).cause().isInstanceOf(PgServerException.class)
                    .hasMessageContaining("cannot execute INSERT in a read-only transaction")
                    .satisfies(e -> assertThat(((PgServerException) e).sqlState()).contains("25006"));
            assertThat(s.rows()).isZero();
        });
    }

    @Test
    void theIsolationLevelAndDeferrableAreTheOnesAskedFor() {
        run(s -> {
            assertThat(s.sessions.<String>inTransaction(c -> c.simpleQuery("SHOW transaction_isolation").join().singleValue()))
                    .isEqualTo("read committed");
            assertThat(s.sessions.<String>inTransaction(TransactionOptions.isolation(IsolationLevel.REPEATABLE_READ),
                    c -> c.simpleQuery("SHOW transaction_isolation").join().singleValue())).isEqualTo("repeatable read");
            TransactionOptions serializableReadOnlyDeferrable = TransactionOptions.isolation(IsolationLevel.SERIALIZABLE)
                    .readOnly(true).deferrable(true);
            assertThat(s.sessions.<String>inTransaction(serializableReadOnlyDeferrable, c -> c.simpleQuery(
                    "SELECT current_setting('transaction_isolation') || ',' || current_setting('transaction_read_only') || ','"
                            + " || current_setting('transaction_deferrable')").join().singleValue()))
                    .isEqualTo("serializable,on,on");
            // the next transaction on the same session is back to the session's defaults
            assertThat(s.sessions.<String>inTransaction(c -> c.simpleQuery("SHOW transaction_isolation").join().singleValue()))
                    .isEqualTo("read committed");
        });
    }

    /** New user 8's case: a step that fails with 22012 inside a savepoint; the rest of the transaction commits. */
    @Test
    void aSavepointUndoesOnlyItsOwnWork() {
        run(s -> {
            s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                assertThatThrownBy(() -> s.sessions.inSavepoint(c, "step", inner -> {
                    s.insert(inner, 2);
                    return inner.query("SELECT 1 / 0").join();
                })).isInstanceOf(CompletionException.class).hasMessageContaining("division by zero");
                assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
                assertThat(s.sessions.<String>inSavepoint(c, "step", inner -> {
                    s.insert(inner, 3);
                    return "kept";
                })).isEqualTo("kept");
                return null;
            });
            assertThat(s.sessions.<String>withSession(c -> c.query("SELECT string_agg(id::text, ',' ORDER BY id) FROM " + s.table)
                    .join().single(String.class))).isEqualTo("1,3");
        });
    }

    /** The work swallowed a statement's error: PostgreSQL answers the COMMIT with ROLLBACK, which is thrown. */
    @Test
    void aCommitThatRolledBackIsThrownAndNothingIsSaved() {
        run(s -> {
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                c.query("SELECT 1 / 0").exceptionally(e -> null).join();
                return null;
            })).isInstanceOf(PgTransactionRolledBackException.class);
            assertThat(s.rows()).isZero();
        });
    }

    @Test
    void aTransactionWithSessionsWorkLeftOpenIsRolledBackNotLent(CapturedOutput output) {
        run(s -> {
            s.sessions.withSession(c -> {
                c.begin().join();
                s.insert(c, 1);
                return null;
            });
            assertThat(s.rows()).isZero();
            assertThat(output.getOut()).contains("returned with a transaction open").contains("it is rolled back");
        });
    }

    /**
     * NEW-USER-25: a {@code SELECT 1} followed every {@code withSession} to check that nothing of the work was still in
     * flight — twice the round trips of a one-row read. The session knows it answered everything; the server's last
     * statement on the lent session is now the work's own.
     */
    @Test
    void workThatAwaitedEverythingItAskedIsHandedBackWithoutACheckRoundTrip() {
        run(runner.withPropertyValues("pg.conn.pool.max-size=1"), s -> {
            int pid = s.sessions.withSession(c -> {
                assertThat(c.query("SELECT 25 AS the_works_own").join().single(Integer.class)).isEqualTo(25);
                return c.processId();
            });
            PgConnection observer = s.factory.connect().join();
            try {
                assertThat(observer.query("SELECT query FROM pg_stat_activity WHERE pid = $1", pid).join().single(String.class))
                        .isEqualTo("SELECT 25 AS the_works_own");
            } finally {
                observer.close().join();
            }
        });
    }

    /**
     * AUDIT-13 L3: withSession's work submitted BEGIN and an INSERT without waiting, behind a statement still
     * running: at hand-back the session's last ReadyForQuery still says idle, the check's {@code SELECT 1} is
     * answered inside the transaction that opened meanwhile, and the session went back to the pool in it — the
     * next borrower (the pool's only session) saw the uncommitted row. The status is read again after the check,
     * and the transaction is rolled back as one the work left open.
     */
    @Test
    void aTransactionWithSessionsWorkBeganWithoutWaitingIsRolledBackNotLent(CapturedOutput output) {
        run(runner.withPropertyValues("pg.conn.pool.max-size=1"), s -> {
            TransactionStatus[] atReturn = new TransactionStatus[1];
            s.sessions.withSession(c -> {
                c.simpleQuery("SELECT pg_sleep(0.3)");
                c.begin();
                c.query("INSERT INTO " + s.table + " VALUES (1)");
                atReturn[0] = c.transactionStatus();
                return null;
            });
            assertThat(atReturn[0]).as("the status the work returned with").isEqualTo(TransactionStatus.IDLE);
            assertThat(s.sessions.<TransactionStatus>withSession(PgConnection::transactionStatus)).isEqualTo(TransactionStatus.IDLE);
            assertThat(s.rows()).isZero();
            assertThat(output.getOut()).contains("returned with a transaction open").contains("it is rolled back");
            // the same, with a statement of that transaction failing: the check is answered (25P02), so nothing is in
            // flight, and the failed transaction is rolled back — the session is not closed for it
            int held = s.sessions.withSession(c -> {
                c.simpleQuery("SELECT pg_sleep(0.3)");
                c.begin();
                c.query("SELECT 1 / 0");
                return c.processId();
            });
            assertThat(s.sessions.<Integer>withSession(c -> {
                assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
                return c.processId();
            })).as("the same session, rolled back and lent again").isEqualTo(held);
        });
    }

    /**
     * AUDIT-13 L3: the work left its thread's interrupt flag set (as a cancelled pool task does). The hand-back's
     * bounded waits threw at once on it, and a healthy session was closed with a WARN — and inTransaction's COMMIT
     * was not waited for, its outcome "unknown". The waits are bounded anyway: they now wait through the
     * interrupt, and the flag is set again when they end, for the caller to see.
     */
    @Test
    void workThatLeftItsThreadInterruptedHandsAHealthySessionBackAndKeepsTheFlag(CapturedOutput output) {
        run(runner.withPropertyValues("pg.conn.pool.max-size=1"), s -> {
            int held = s.sessions.withSession(c -> {
                Thread.currentThread().interrupt();
                return c.processId();
            });
            assertThat(Thread.interrupted()).as("the interrupt flag, kept for the caller").isTrue();
            String committed = s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                Thread.currentThread().interrupt();
                return "committed";
            });
            assertThat(Thread.interrupted()).as("the interrupt flag, kept for the caller").isTrue();
            assertThat(committed).isEqualTo("committed");
            assertThat(s.sessions.<Integer>withSession(PgConnection::processId)).as("the same session, lent again").isEqualTo(held);
            assertThat(s.rows()).isEqualTo(1);
            assertThat(output.getOut()).doesNotContain("interrupted").doesNotContain("the session is closed");
        });
    }

    /** The session ended in the work (here its own backend terminated): it is not lent again, and the next borrow works. */
    @Test
    void aSessionThatEndedIsNotLentAgain() {
        run(s -> {
            int[] ended = new int[1];
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                ended[0] = c.processId();
                s.insert(c, 1);
                return c.query("SELECT pg_terminate_backend(pg_backend_pid())").join();
            })).isInstanceOf(CompletionException.class);
            s.assertNeverLentAgain(ended[0]);
            assertThat(s.factory.openConnections()).isEqualTo(s.pool.allocatedSize());
            assertThat(s.rows()).isZero();
        });
    }

    /**
     * The work failed with a stream open and unread: the ROLLBACK queued behind it would wait for ever. It
     * waits {@code rollbackWait}, then the session is closed (which ends the statement) and not lent again.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the unbounded wait is a join(), deaf to interrupts
    void aRollbackHeldBackByAnUnreadStreamEndsInTheSessionsCloseNotAHang() {
        run(s -> {
            PgConnSessions impatient = new PgConnSessions(s.connectionFactory, Duration.ofMillis(500));
            IllegalStateException thrown = new IllegalStateException("failed while reading");
            int[] held = new int[1];
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.inTransaction(c -> {
                held[0] = c.processId();
                s.insert(c, 1);
                leaveAStreamUnread(c);
                throw thrown;
            })).isSameAs(thrown);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(thrown.getSuppressed()).singleElement().asString().contains("not answered within 500 ms")
                    .contains("a stream it left open and unread");
            s.assertNeverLentAgain(held[0]);
            assertThat(s.rows()).isZero();
        });
    }

    /**
     * The work returned with a stream open and unread: the COMMIT queued behind it would wait for ever, and with
     * it the caller's thread. It waits {@code commitWait}, then the session is closed (its transaction, whose
     * COMMIT never reached the server here, ends with it) and the caller hears that the outcome is unknown.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the unbounded wait is a join(), deaf to interrupts
    void aCommitHeldBackByAnUnreadStreamEndsInTheSessionsCloseNotAHang() {
        run(s -> {
            PgConnSessions impatient = new PgConnSessions(s.connectionFactory, PgConnSessions.DEFAULT_ROLLBACK_WAIT,
                    Duration.ofMillis(500));
            int[] held = new int[1];
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.inTransaction(c -> {
                held[0] = c.processId();
                s.insert(c, 1);
                leaveAStreamUnread(c);
                return "returned with the stream unread";
            })).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("COMMIT on ")
                    .hasMessageContaining("not answered within 500 ms").hasMessageContaining("a stream it left open and unread")
                    .hasMessageContaining("whether the transaction committed is unknown; the session is closed");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            s.assertNeverLentAgain(held[0]);
            assertThat(s.rows()).isZero();
        });
    }

    /**
     * The savepoint's work failed with a stream open and unread: the ROLLBACK TO SAVEPOINT queued behind it would
     * wait for ever. It waits {@code rollbackWait}, then the session is closed (its transaction ends with it, and
     * the enclosing inTransaction hands it back without a ROLLBACK) and it is not lent again.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the unbounded wait is a join(), deaf to interrupts
    void aSavepointRollbackHeldBackByAnUnreadStreamEndsInTheSessionsCloseNotAHang() {
        run(s -> {
            PgConnSessions impatient = new PgConnSessions(s.connectionFactory, Duration.ofMillis(500));
            IllegalStateException thrown = new IllegalStateException("failed while reading");
            int[] held = new int[1];
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.inTransaction(c -> {
                held[0] = c.processId();
                s.insert(c, 1);
                return impatient.inSavepoint(c, "step", inner -> {
                    leaveAStreamUnread(inner);
                    throw thrown;
                });
            })).isSameAs(thrown);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(thrown.getSuppressed()).singleElement().asString().startsWith("java.lang.IllegalStateException: ROLLBACK TO SAVEPOINT step on ")
                    .contains("not answered within 500 ms").contains("a stream it left open and unread").endsWith("not answered within 500 ms: the session is closed, its transaction with it");
            s.assertNeverLentAgain(held[0]);
            assertThat(s.rows()).isZero();
        });
    }

    /**
     * withSession's work returned with a stream open and unread, outside a transaction: no COMMIT or ROLLBACK
     * follows to find it, and the session went back to the pool with the stream holding every later statement
     * back — the next borrower (here the only session of the pool) waited for ever. It is found by a round trip
     * bounded by {@code rollbackWait} and the session is closed, with a WARN naming the likely cause.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the unbounded wait is a join(), deaf to interrupts
    void aSessionWithSessionsWorkLeftAStreamUnreadOnIsClosedNotLentToTheNextBorrower(CapturedOutput output) {
        run(runner.withPropertyValues("pg.conn.pool.max-size=1"), s -> {
            PgConnSessions impatient = new PgConnSessions(s.connectionFactory, Duration.ofMillis(500));
            int[] held = new int[1];
            String result = impatient.withSession(c -> {
                held[0] = c.processId();
                leaveAStreamUnread(c);
                return "returned with the stream unread";
            });
            assertThat(result).isEqualTo("returned with the stream unread");
            assertThat(s.sessions.<Integer>withSession(c -> {
                assertThat(c.processId()).isNotEqualTo(held[0]);
                return c.query("SELECT 1").join().single(Integer.class);
            })).isEqualTo(1);
            assertThat(output.getOut()).contains("not answered within 500 ms").contains("a stream it left open and unread")
                    .contains("the session is closed");
        });
    }

    /** Boot's ConnectionFactoryDecorator (r2dbc-proxy, as for its r2dbc.query observation) between pool and driver. */
    @Test
    void throughAConnectionFactoryDecoratorsProxyTheSessionIsFound() {
        run(runner.withBean(ConnectionFactoryDecorator.class, () -> factory -> ProxyConnectionFactory.builder(factory).build()), s -> {
            assertThat(PgConnPoolSessionHosts.under(((ConnectionPool) s.connectionFactory).unwrap())).as("the proxy under the pool")
                    .isNotInstanceOf(io.pgconn.r2dbc.PgConnR2dbcConnectionFactory.class);
            IllegalStateException thrown = new IllegalStateException("rolled back");
            assertThatThrownBy(() -> s.sessions.inTransaction(c -> {
                s.insert(c, 1);
                throw thrown;
            })).isSameAs(thrown);
            s.sessions.inTransaction(c -> {
                s.insert(c, 2);
                return null;
            });
            assertThat(s.sessions.<String>withSession(c -> c.query("SELECT string_agg(id::text, ',') FROM " + s.table)
                    .join().single(String.class))).isEqualTo("2");
        });
    }

    @Test
    void onAnEventLoopItRefusesBeforeBorrowing() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            run(s -> {
                int allocated = s.pool.allocatedSize();
                Throwable refused = failureOf(() -> loop.submit(() -> s.sessions.inTransaction(c -> 1)).get(10, TimeUnit.SECONDS));
                assertThat(refused).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("PgConnSessions.inTransaction on an event loop thread (defaultEventLoop")
                        .hasMessageContaining("would stall every connection of this loop");
                Throwable onParallel = failureOf(() -> Mono.fromCallable(() -> s.sessions.inTransaction(c -> 1))
                        .subscribeOn(Schedulers.parallel()).block());
                assertThat(onParallel).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("PgConnSessions.inTransaction on a non-blocking Reactor thread (parallel-")
                        .hasMessageContaining("Schedulers.boundedElastic()");
                assertThat(s.pool.allocatedSize()).as("nothing borrowed").isEqualTo(allocated);
                // on a thread that may block, the same call runs
                assertThat(Mono.fromCallable(() -> s.sessions.inTransaction(c -> 1)).subscribeOn(Schedulers.boundedElastic())
                        .block()).isEqualTo(1);
            });
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    /** Opens a million-row stream on the session, reads one row and leaves the rest unread: the session's writes wait behind it. */
    private static void leaveAStreamUnread(PgConnection connection) {
        Iterator<Row> rows = connection.statement("SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) g").stream(1).iterator();
        rows.next();
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static Throwable failureOf(Call call) {
        try {
            call.call();
        } catch (Exception e) {
            return io.pgconn.FutureFailures.unwrap(e);
        }
        throw new AssertionError("expected a failure");
    }
}
