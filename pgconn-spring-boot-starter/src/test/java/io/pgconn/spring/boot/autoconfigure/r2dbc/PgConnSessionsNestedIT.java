package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.query.IsolationLevel;
import io.pgconn.query.TransactionOptions;
import io.pgconn.query.TransactionStatus;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PgConnSessions#inTransaction} called again inside its own work, on the same thread, with a pool of ONE
 * session and no acquire limit (the default {@code pg.conn.pool.max-acquire-time=0}): before session 21 the nested
 * call borrowed a second session, which the pool could only lend once the outer call handed its one back — a hang,
 * for ever. The nested call now joins the outer transaction (Spring's {@code REQUIRED}): same session, no BEGIN or
 * COMMIT of its own, the outer's uncommitted rows visible; a nested failure the outer work catches still rolls the
 * whole transaction back; nested options that ask for something the outer transaction is not are refused.
 */
class PgConnSessionsNestedIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgConnSessionsTestSetup.cluster("starter-nested");

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final ApplicationContextRunner runner = PgConnSessionsTestSetup.runner(1);

    /** Runs {@code test} with the bean and a table of its own; after it, the one session is idle and back in the pool. */
    private void run(BiConsumer<PgConnSessions, String> test) {
        run(runner, test);
    }

    private static void run(ApplicationContextRunner runner, BiConsumer<PgConnSessions, String> test) {
        PgConnSessionsTestSetup.onThePrimary(runner, PG).run(context -> {
            PgConnSessions sessions = context.getBean(PgConnSessions.class);
            PoolMetrics pool = context.getBean(ConnectionPool.class).getMetrics().orElseThrow();
            String table = "nested_" + TABLES.incrementAndGet();
            sessions.withSession(c -> c.simpleQuery("CREATE TABLE " + table + " (id int PRIMARY KEY)").join());
            test.accept(sessions, table);
            assertThat(pool.acquiredSize()).as("sessions still lent").isZero();
            assertThat(context.getBean(PgConnectionFactory.class).openConnections()).as("open sessions")
                    .isEqualTo(pool.allocatedSize());
            assertThat(sessions.<TransactionStatus>withSession(PgConnection::transactionStatus)).isEqualTo(TransactionStatus.IDLE);
        });
    }

    private static void insert(PgConnection c, String table, int id) {
        c.query("INSERT INTO " + table + " VALUES ($1)", id).join();
    }

    private static String ids(PgConnSessions sessions, String table) {
        return sessions.withSession(c -> c.query("SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM " + table)
                .join().single(String.class));
    }

    /** Seen failing before the fix: the nested borrow waited for ever on the pool of one (this timeout ended it). */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNestedCallJoinsTheOuterTransactionOnItsSession() {
        run((sessions, table) -> {
            String result = sessions.inTransaction(outer -> {
                insert(outer, table, 1);
                return sessions.inTransaction(inner -> {
                    assertThat(inner).as("the outer call's session").isSameAs(outer);
                    assertThat(inner.query("SELECT count(*) FROM " + table).join().single(Long.class))
                            .as("the outer's row, not committed yet").isEqualTo(1L);
                    insert(inner, table, 2);
                    return "joined";
                });
            });
            assertThat(result).isEqualTo("joined");
            assertThat(ids(sessions, table)).isEqualTo("1,2");

            IllegalArgumentException thrown = new IllegalArgumentException("nested failure");
            assertThatThrownBy(() -> sessions.inTransaction(outer -> {
                insert(outer, table, 3);
                return sessions.inTransaction(inner -> {
                    insert(inner, table, 4);
                    throw thrown;
                });
            })).isSameAs(thrown).satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(ids(sessions, table)).as("the outer's row rolled back with the nested one").isEqualTo("1,2");
        });
    }

    /**
     * The outer work caught the nested call's failure and returned: the nested work's writes cannot be told apart
     * from the outer's, so the transaction is rolled back, and the caller hears it (Spring's
     * UnexpectedRollbackException), the nested failure as the cause.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNestedFailureTheOuterWorkCaughtRollsTheWholeTransactionBack() {
        run((sessions, table) -> {
            IllegalStateException nested = new IllegalStateException("nested failure");
            AtomicReference<Throwable> caught = new AtomicReference<>();
            assertThatThrownBy(() -> sessions.inTransaction(outer -> {
                insert(outer, table, 1);
                try {
                    sessions.inTransaction(inner -> {
                        insert(inner, table, 2);
                        throw nested;
                    });
                } catch (IllegalStateException e) {
                    caught.set(e);
                }
                insert(outer, table, 3);
                return "caught";
            })).isInstanceOf(IllegalStateException.class).hasCause(nested)
                    .hasMessageContaining("rolled back").hasMessageContaining("a nested PgConnSessions.inTransaction")
                    .hasMessageContaining("inSavepoint");
            assertThat(caught.get()).isSameAs(nested);
            assertThat(ids(sessions, table)).as("nothing kept").isEmpty();

            // the thread is free of that transaction: the next call begins its own
            sessions.inTransaction(c -> {
                insert(c, table, 5);
                return null;
            });
            assertThat(ids(sessions, table)).isEqualTo("5");
        });
    }

    /**
     * REVIEW-21 ST-1: the pattern the docs recommend — each item in {@code inSavepoint}, its failure caught — with an
     * item whose service calls {@code inTransaction} and fails: the savepoint undid the nested work, so the outer work
     * commits its own rows (as Spring resets rollback-only at a savepoint). A nested failure outside any savepoint still
     * rolls everything back, a later savepoint rolled back to does not clear it. Seen failing before the fix: the outer
     * call threw "is rolled back, not committed" and kept nothing.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNestedFailureASavepointUndidDoesNotRollTheOuterTransactionBack() {
        run((sessions, table) -> {
            String result = sessions.inTransaction(outer -> {
                for (int id = 1; id <= 3; id++) {
                    int item = id;
                    try {
                        sessions.inSavepoint(outer, "item", s -> sessions.inTransaction(inner -> {
                            insert(inner, table, item * 10);
                            if (item == 2) {
                                throw new IllegalArgumentException("item 2 fails");
                            }
                            return null;
                        }));
                    } catch (IllegalArgumentException skipped) {
                        // item 2 left out; the batch goes on
                    }
                }
                return "batch";
            });
            assertThat(result).isEqualTo("batch");
            assertThat(ids(sessions, table)).isEqualTo("10,30");

            IllegalStateException before = new IllegalStateException("nested failure before the savepoint");
            assertThatThrownBy(() -> sessions.inTransaction(outer -> {
                try {
                    sessions.inTransaction(inner -> {
                        throw before;
                    });
                } catch (IllegalStateException caught) {
                    // caught outside any savepoint: the mark stays
                }
                try {
                    sessions.inSavepoint(outer, "later", s -> sessions.inTransaction(inner -> {
                        throw new IllegalArgumentException("inside the savepoint");
                    }));
                } catch (IllegalArgumentException caught) {
                    // undone by the savepoint, which does not undo the earlier mark
                }
                insert(outer, table, 40);
                return null;
            })).isInstanceOf(IllegalStateException.class).hasCause(before);
            assertThat(ids(sessions, table)).isEqualTo("10,30");
        });
    }

    /**
     * A nested call whose options name an isolation level, read-only or deferrable the outer transaction does not
     * have (as named) is refused before its work runs; one that names the outer's own, or nothing, joins.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nestedOptionsTheOuterTransactionDoesNotHaveAreRefused() {
        run((sessions, table) -> {
            AtomicInteger ran = new AtomicInteger();
            assertThatThrownBy(() -> sessions.inTransaction(outer -> {
                insert(outer, table, 1);
                return sessions.inTransaction(TransactionOptions.isolation(IsolationLevel.SERIALIZABLE), inner -> ran.incrementAndGet());
            })).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("isolation level SERIALIZABLE")
                    .hasMessageContaining("joins the transaction");
            assertThat(ran).hasValue(0);
            assertThat(ids(sessions, table)).isEmpty();

            TransactionOptions readOnlySerializable = TransactionOptions.isolation(IsolationLevel.SERIALIZABLE).readOnly(true);
            assertThatThrownBy(() -> sessions.inTransaction(TransactionOptions.isolation(IsolationLevel.SERIALIZABLE),
                    outer -> sessions.inTransaction(readOnlySerializable, inner -> ran.incrementAndGet())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("read only");
            assertThat(ran).hasValue(0);

            String level = sessions.inTransaction(readOnlySerializable, outer -> sessions.inTransaction(
                    TransactionOptions.isolation(IsolationLevel.SERIALIZABLE), inner -> sessions.inTransaction(
                            innermost -> innermost.simpleQuery("SHOW transaction_isolation").join().singleValue())));
            assertThat(level).isEqualTo("serializable");
        });
    }

    /**
     * {@code withSession} inside {@code inTransaction}'s work, on the same thread: its work gets the transaction's
     * session (as Spring's {@code DataSourceUtils.getConnection} the transaction-bound connection) — it sees the
     * outer's uncommitted row, its writes commit with the transaction and a rollback of the outer call undoes them. A
     * failure of its work that the outer work catches does not mark the transaction (withSession is no transaction
     * boundary: its statements stay, as a JdbcTemplate call's in a Spring transaction). Seen failing before the fix:
     * withSession borrowed a second session, which the pool of one could only lend after the transaction — a hang,
     * ended by this timeout.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withSessionInsideTheTransactionWorksInItOnItsSession() {
        run((sessions, table) -> {
            String result = sessions.inTransaction(outer -> {
                insert(outer, table, 1);
                return sessions.withSession(inner -> {
                    assertThat(inner.processId()).as("the transaction's session").isEqualTo(outer.processId());
                    assertThat(inner.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
                    assertThat(inner.query("SELECT count(*) FROM " + table).join().single(Long.class))
                            .as("the outer's row, not committed yet").isEqualTo(1L);
                    insert(inner, table, 2);
                    return "in the transaction";
                });
            });
            assertThat(result).isEqualTo("in the transaction");
            assertThat(ids(sessions, table)).isEqualTo("1,2");

            IllegalArgumentException thrown = new IllegalArgumentException("outer failure");
            assertThatThrownBy(() -> sessions.inTransaction(outer -> {
                sessions.withSession(inner -> {
                    insert(inner, table, 3);
                    return null;
                });
                insert(outer, table, 4);
                throw thrown;
            })).isSameAs(thrown).satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(ids(sessions, table)).as("the inner write rolled back with the outer").isEqualTo("1,2");

            IllegalArgumentException innerFailure = new IllegalArgumentException("inner failure");
            AtomicReference<Throwable> caught = new AtomicReference<>();
            sessions.inTransaction(outer -> {
                try {
                    sessions.withSession(inner -> {
                        insert(inner, table, 5);
                        throw innerFailure;
                    });
                } catch (IllegalArgumentException e) {
                    caught.set(e);
                }
                insert(outer, table, 6);
                return null;
            });
            assertThat(caught.get()).isSameAs(innerFailure);
            assertThat(ids(sessions, table)).as("committed with the transaction").isEqualTo("1,2,5,6");
        });
    }

    /**
     * The session withSession lends inside a transaction cannot end it: its {@code commit()}, {@code rollback()},
     * {@code close()} and {@code begin()} fail (an {@link IllegalStateException} saying why) and leave the transaction
     * and the session as they were; savepoints on it work, as {@code inSavepoint}, and the outer call commits.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theSessionWithSessionLendsInATransactionRefusesToEndIt() {
        run((sessions, table) -> {
            sessions.inTransaction(outer -> {
                insert(outer, table, 1);
                return sessions.withSession(inner -> {
                    List<Supplier<CompletableFuture<Void>>> ends = List.of(inner::commit, inner::rollback, inner::close, inner::begin);
                    for (Supplier<CompletableFuture<Void>> end : ends) {
                        assertThatThrownBy(() -> end.get().join()).isInstanceOf(CompletionException.class)
                                .cause().isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("PgConnSessions.withSession")
                                .hasMessageContaining("the transaction inTransaction holds open on this thread");
                    }
                    assertThat(inner.isClosed()).isFalse();
                    assertThat(inner.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
                    insert(inner, table, 2);
                    assertThatThrownBy(() -> sessions.inSavepoint(inner, "part", s -> {
                        insert(s, table, 3);
                        throw new IllegalArgumentException("the part fails");
                    })).hasMessage("the part fails");
                    return sessions.inSavepoint(inner, "part", s -> {
                        insert(s, table, 4);
                        return null;
                    });
                });
            });
            assertThat(ids(sessions, table)).isEqualTo("1,2,4");
        });
    }

    /**
     * A withSession on another thread is not in the transaction (the transaction is bound to its thread, as Spring's):
     * it borrows a session of its own (a pool of two here), which does not see the uncommitted row.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withSessionOnAnotherThreadBorrowsASessionOutsideTheTransaction() {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            run(runner.withPropertyValues("pg.conn.pool.max-size=2"), (sessions, table) -> {
                sessions.inTransaction(outer -> {
                    insert(outer, table, 1);
                    int outerPid = outer.processId();
                    long seen = await(other.submit(() -> sessions.withSession(c -> {
                        assertThat(c.processId()).as("a session of its own").isNotEqualTo(outerPid);
                        assertThat(c.transactionStatus()).isEqualTo(TransactionStatus.IDLE);
                        return c.query("SELECT count(*) FROM " + table).join().single(Long.class);
                    })));
                    assertThat(seen).as("the uncommitted row").isZero();
                    return null;
                });
                assertThat(ids(sessions, table)).isEqualTo("1");
            });
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * REVIEW-22 R22-3: the old behaviour of withSession inside a transaction, under its own name — withOwnSession
     * borrows a second session, whose writes commit on their own and stay when the outer transaction rolls back (an
     * audit row); while its work runs the outer transaction is suspended, so an inTransaction inside it does not join
     * it but begins its own, on withOwnSession's session (session 24; a third session before), and after it the outer
     * one is bound again. A pool of two.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withOwnSessionWritesOutsideTheTransactionAndKeepsItsRowsWhenItRollsBack() {
        run(runner.withPropertyValues("pg.conn.pool.max-size=2", "pg.conn.pool.max-acquire-time=10s"), (sessions, table) -> {
            IllegalArgumentException thrown = new IllegalArgumentException("the business work fails");
            assertThatThrownBy(() -> sessions.inTransaction(outer -> {
                insert(outer, table, 1);
                int outerPid = outer.processId();
                sessions.withOwnSession(audit -> {
                    assertThat(audit.processId()).as("a session of its own").isNotEqualTo(outerPid);
                    insert(audit, table, 100);
                    return sessions.inTransaction(inner -> {
                        assertThat(inner.processId()).as("its own transaction, not the suspended one").isNotEqualTo(outerPid)
                                .as("on withOwnSession's session").isEqualTo(audit.processId());
                        insert(inner, table, 101);
                        return null;
                    });
                });
                sessions.withSession(joined -> {
                    assertThat(joined.processId()).as("the outer transaction bound again").isEqualTo(outerPid);
                    return null;
                });
                throw thrown;
            })).isSameAs(thrown);
            assertThat(ids(sessions, table)).as("the audit rows stay, the outer's row is rolled back").isEqualTo("100,101");
        });
    }

    /**
     * A withSession inside another withSession's work, on the same thread, joins the outer call's session: before
     * session 23 it borrowed a second one, which a pool of one lends only once the outer call hands its one back — a
     * hang for ever (seen failing: this timeout ended it) — and which did not see the outer work's uncommitted writes.
     * Now it works on the outer session as if it had been passed down — in the outer work's own transaction, its
     * uncommitted row seen — through a view that refuses close() (it would end the outer call's session); its exception
     * is rethrown as it is and the outer session goes on.
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withSessionInsideWithSessionJoinsTheOuterSession() {
        run((sessions, table) -> {
            String result = sessions.withSession(outer -> {
                outer.begin().join();
                insert(outer, table, 1);
                String joined = sessions.withSession(inner -> {
                    assertThat(inner.processId()).as("the outer call's session").isEqualTo(outer.processId());
                    assertThat(inner.query("SELECT count(*) FROM " + table).join().single(Long.class))
                            .as("the outer work's row, not committed yet").isEqualTo(1L);
                    insert(inner, table, 2);
                    return "joined";
                });
                outer.commit().join();
                return joined;
            });
            assertThat(result).isEqualTo("joined");
            assertThat(ids(sessions, table)).isEqualTo("1,2");

            IllegalArgumentException thrown = new IllegalArgumentException("nested failure");
            sessions.withSession(outer -> {
                assertThatThrownBy(() -> sessions.withSession(inner -> {
                    assertThatThrownBy(() -> inner.close().join()).isInstanceOf(CompletionException.class)
                            .cause().isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("PgConnSessions.withSession").hasMessageContaining("close()");
                    assertThat(inner.isClosed()).isFalse();
                    insert(inner, table, 3);
                    throw thrown;
                })).isSameAs(thrown);
                assertThat(outer.isClosed()).as("the outer session goes on").isFalse();
                insert(outer, table, 4);
                return null;
            });
            assertThat(ids(sessions, table)).as("each statement committed on its own").isEqualTo("1,2,3,4");
        });
    }

    /**
     * withOwnSession inside withSession's work borrows a session of its own (a pool of two here), and a withSession
     * inside its work joins that one, not the outer; after it, a withSession joins the outer session again. Before
     * session 23 the innermost call borrowed a third session from the pool of two: a hang (seen failing).
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withSessionInsideWithOwnSessionJoinsItsSessionNotTheOuterOne() {
        run(runner.withPropertyValues("pg.conn.pool.max-size=2"), (sessions, table) -> {
            sessions.withSession(outer -> {
                int outerPid = outer.processId();
                int ownPid = sessions.withOwnSession(own -> {
                    assertThat(own.processId()).as("a session of its own").isNotEqualTo(outerPid);
                    return sessions.withSession(inner -> {
                        assertThat(inner.processId()).as("withOwnSession's session").isEqualTo(own.processId());
                        return inner.processId();
                    });
                });
                assertThat(ownPid).isNotEqualTo(outerPid);
                return sessions.withSession(again -> {
                    assertThat(again.processId()).as("the outer session again").isEqualTo(outerPid);
                    return null;
                });
            });
        });
    }

    /**
     * An inTransaction inside withSession's work, on the same thread, with a pool of ONE: it runs its transaction on
     * the withSession's session (the same backend), BEGIN and COMMIT there. Before session 24 it borrowed a second
     * session, which the pool of one lends only once the outer call hands its one back: seen failing, the borrow's
     * PgTimeoutException after the 3-s max-acquire-time set here (under the default 0 it waited for ever). The inner
     * transaction commits on its own — an outer throw afterwards does not undo it (withSession is no transaction
     * boundary) — and rolls back alone when its work throws, the outer work going on, on the same session.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inTransactionInsideWithSessionRunsOnItsSession() {
        run(runner.withPropertyValues("pg.conn.pool.max-acquire-time=3s", "pg.conn.pool.acquire-retry=0"), (sessions, table) -> {
            String result = sessions.withSession(outer -> {
                int outerPid = backendPid(outer);
                insert(outer, table, 1);
                String inner = sessions.inTransaction(tx -> {
                    assertThat(backendPid(tx)).as("pg_backend_pid(): the withSession's session").isEqualTo(outerPid);
                    assertThat(tx.transactionStatus()).isEqualTo(TransactionStatus.IN_TRANSACTION);
                    insert(tx, table, 2);
                    assertThat(sessions.<Integer>withSession(PgConnSessionsNestedIT::backendPid))
                            .as("a withSession inside the transaction").isEqualTo(outerPid);
                    return "committed";
                });
                assertThat(outer.transactionStatus()).as("the inner transaction ended").isEqualTo(TransactionStatus.IDLE);
                return inner;
            });
            assertThat(result).isEqualTo("committed");
            assertThat(ids(sessions, table)).isEqualTo("1,2");

            IllegalArgumentException innerFailure = new IllegalArgumentException("inner failure");
            sessions.withSession(outer -> {
                assertThatThrownBy(() -> sessions.inTransaction(tx -> {
                    insert(tx, table, 3);
                    throw innerFailure;
                })).isSameAs(innerFailure).satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
                assertThat(outer.isClosed()).isFalse();
                assertThat(outer.transactionStatus()).as("rolled back").isEqualTo(TransactionStatus.IDLE);
                insert(outer, table, 4);
                return null;
            });
            assertThat(ids(sessions, table)).as("the inner transaction rolled back alone").isEqualTo("1,2,4");

            IllegalStateException outerFailure = new IllegalStateException("outer failure");
            assertThatThrownBy(() -> sessions.withSession(outer -> {
                sessions.inTransaction(tx -> {
                    insert(tx, table, 5);
                    return null;
                });
                throw outerFailure;
            })).isSameAs(outerFailure);
            assertThat(ids(sessions, table)).as("committed before the outer work threw").isEqualTo("1,2,4,5");
        });
    }

    /**
     * inTransaction inside the inTransaction an enclosing withSession ran on its session joins that transaction
     * (Spring's REQUIRED, one pool session, one backend); its failure, caught by the middle work, rolls the whole
     * transaction back. An inTransaction inside withSession work that began a transaction of its own is refused before
     * its work runs, and the outer work's transaction is left as it was.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inTransactionInsideWithSessionJoinsAsREQUIREDAndRefusesTheWorksOwnTransaction() {
        run(runner.withPropertyValues("pg.conn.pool.max-acquire-time=3s", "pg.conn.pool.acquire-retry=0"), (sessions, table) -> {
            IllegalArgumentException nested = new IllegalArgumentException("innermost failure");
            assertThatThrownBy(() -> sessions.withSession(outer -> sessions.inTransaction(middle -> {
                insert(middle, table, 1);
                try {
                    sessions.inTransaction(inner -> {
                        assertThat(backendPid(inner)).isEqualTo(backendPid(outer));
                        insert(inner, table, 2);
                        throw nested;
                    });
                } catch (IllegalArgumentException caught) {
                    // the middle work goes on; the transaction is rollback-only
                }
                return null;
            }))).isInstanceOf(IllegalStateException.class).hasCause(nested).hasMessageContaining("rolled back");
            assertThat(ids(sessions, table)).as("the joined transaction rolled back whole").isEmpty();

            AtomicInteger ran = new AtomicInteger();
            sessions.withSession(outer -> {
                outer.begin().join();
                insert(outer, table, 3);
                assertThatThrownBy(() -> sessions.inTransaction(tx -> ran.incrementAndGet()))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("transaction of its own")
                        .hasMessageContaining("inSavepoint");
                assertThat(outer.transactionStatus()).as("the outer work's transaction as it was")
                        .isEqualTo(TransactionStatus.IN_TRANSACTION);
                outer.commit().join();
                return null;
            });
            assertThat(ran).hasValue(0);
            assertThat(ids(sessions, table)).isEqualTo("3");
        });
    }

    private static int backendPid(PgConnection c) {
        return c.query("SELECT pg_backend_pid()").join().single(Integer.class);
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
