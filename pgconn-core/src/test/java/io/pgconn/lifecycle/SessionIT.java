package io.pgconn.lifecycle;

import io.pgconn.AuthMethod;
import io.pgconn.Notification;
import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PgException;
import io.pgconn.PgServerException;
import io.pgconn.QueryResult;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.internal.query.SpinThenParkFuture;
import io.pgconn.testing.Backends;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingListener;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.pgconn.lifecycle.LifecycleCluster.PASSWORD;
import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static io.pgconn.testing.Connect.value;
import static org.assertj.core.api.Assertions.assertThat;

/** An established session: queries, cancel, LISTEN/NOTIFY, type OIDs, Unix sockets, close, server-side termination. */
class SessionIT {

    @RegisterExtension
    static final PgClusterExtension PG = LifecycleCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    private static PgConnection connect(String extra) {
        return await(FACTORY.factory().connect(Connect.config(PG.primary(), "scram_u", PASSWORD, "sslmode=disable " + extra)));
    }

    @Test
    void simpleQueryReturnsColumnsRowsAndTag() {
        PgConnection c = connect("extensionTypes=''");
        try {
            QueryResult result = await(c.simpleQuery("SELECT 1 AS one, NULL::text AS nothing UNION ALL SELECT 2, 'x'"));
            assertThat(result.columns()).containsExactly("one", "nothing");
            assertThat(result.rows()).containsExactly(java.util.Arrays.asList("1", null), List.of("2", "x"));
            assertThat(result.commandTag()).isEqualTo("SELECT 2");
            PgServerException error = (PgServerException) failure(c.simpleQuery("SELECT * FROM no_such_table"));
            assertThat(error.sqlState()).contains("42P01");
            assertThat(value(c, "SELECT 'still usable'")).isEqualTo("still usable");
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancelInterruptsALongQuery() {
        PgConnection c = connect("extensionTypes=''");
        try {
            CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(30)");
            int pid = c.processId();
            // cancel once the backend is really running the statement
            Backends.awaitActive(PG.primary(), pid);
            await(c.cancel());
            Throwable failure = failure(sleeping);
            assertThat(failure).isInstanceOf(PgServerException.class);
            assertThat(((PgException) failure).sqlState()).contains("57014");
            assertThat(value(c, "SELECT 42")).isEqualTo("42");
        } finally {
            await(c.close());
        }
    }

    @Test
    void cancelOverTlsInterruptsALongQuery() {
        PgConnection c = await(FACTORY.factory().connect(Connect.config(PG.primary(), "scram_u", PASSWORD,
                "sslmode=verify-full extensionTypes='' sslrootcert=" + PG.tls().caCertificate())));
        try {
            assertThat(c.tlsProtocol()).isPresent();
            CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(30)");
            int pid = c.processId();
            Backends.awaitActive(PG.primary(), pid);
            await(c.cancel());
            assertThat(((PgException) failure(sleeping)).sqlState()).contains("57014");
        } finally {
            await(c.close());
        }
    }

    @Test
    void listenNotifyRoundTripAndUnlistenCompletesTheListener() throws Exception {
        PgConnection listener = connect("extensionTypes=''");
        PgConnection notifier = connect("extensionTypes=''");
        RecordingListener received = new RecordingListener();
        try {
            await(listener.listen("orders \"new\"", received));
            await(notifier.simpleQuery("NOTIFY \"orders \"\"new\"\"\", 'order 17'"));
            Notification n = received.next();
            assertThat(n.channel()).isEqualTo("orders \"new\"");
            assertThat(n.payload()).isEqualTo("order 17");
            assertThat(n.processId()).isEqualTo(notifier.processId());
            await(listener.unlisten("orders \"new\""));
            received.awaitCompleted();
        } finally {
            await(listener.close());
            await(notifier.close());
        }
    }

    /**
     * The core connection refuses a channel name longer than an identifier (63 bytes in UTF-8) as the
     * subscriber does: the server truncated it with only a NOTICE and its notifications reached no listener.
     * The connection stays usable, and a name of exactly 63 bytes listens and delivers.
     */
    @Test
    void aChannelNameLongerThanAnIdentifierIsRefusedWithItsLength() throws Exception {
        String longName = "orders_for_customer_" + "x".repeat(60); // 80 bytes
        String multiByte = "\u00e9".repeat(32); // 32 characters, 64 bytes in UTF-8
        String longest = "c".repeat(63);
        PgConnection listener = connect("extensionTypes=''");
        PgConnection notifier = connect("extensionTypes=''");
        try {
            assertThat(failure(listener.listen(longName, n -> { })))
                    .isInstanceOf(PgConfigException.class).hasMessageContaining("invalid LISTEN channel")
                    .hasMessageContaining("\"" + longName + "\"").hasMessageContaining("80 bytes").hasMessageContaining("63 bytes");
            assertThat(failure(listener.listen(multiByte, n -> { }))).isInstanceOf(PgConfigException.class)
                    .hasMessageContaining("64 bytes");
            assertThat(failure(listener.unlisten(longName))).isInstanceOf(PgConfigException.class)
                    .hasMessageContaining("invalid UNLISTEN channel").hasMessageContaining("80 bytes");

            RecordingListener received = new RecordingListener();
            await(listener.listen(longest, received));
            await(notifier.simpleQuery("NOTIFY " + longest + ", 'fits'"));
            assertThat(received.next().payload()).isEqualTo("fits");
        } finally {
            await(listener.close());
            await(notifier.close());
        }
    }

    @Test
    void closeCompletesTheListeners() throws Exception {
        PgConnection listener = connect("extensionTypes=''");
        RecordingListener jobs = new RecordingListener();
        await(listener.listen("jobs", jobs));
        await(listener.close());
        jobs.awaitCompleted();
    }

    @Test
    void extensionTypeOidsAreDiscoveredAtConnect() {
        PgConnection c = connect("");
        try {
            String hstore = PG.primary().queryValue("SELECT 'hstore'::regtype::oid");
            assertThat(c.typeOid("hstore")).hasValue(Integer.parseInt(hstore));
            assertThat(c.typeOid("vector")).isEmpty(); // not installed: simply absent
            assertThat(await(c.lookupTypeOids("int4", "no_such_type"))).containsOnlyKeys("int4").containsEntry("int4", 23);
            assertThat(failure(c.lookupTypeOids("bad name; DROP TABLE x"))).isInstanceOf(io.pgconn.PgConfigException.class);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aFactoryReusesTheTypeOidsItLearnedUntilItForgetsThem() {
        PG.primary().execute("CREATE DATABASE typeoids OWNER scram_u"); // scram_u may create the trusted hstore there
        PgConnectionFactory factory = FACTORY.factory();
        String remembered = "dbname=typeoids extensionTypes=hstore hostRecheckInterval=1h";
        PgConnection first = connect(remembered);
        try {
            assertThat(first.typeOid("hstore")).isEmpty();
            try (PgConnectionFactory elsewhere = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build()) {
                PgConnection other = await(elsewhere.connect(Connect.config(PG.primary(), "scram_u", PASSWORD,
                        "sslmode=disable " + remembered)));
                await(other.simpleQuery("CREATE EXTENSION hstore")); // DDL this factory does not see
                await(other.close());
            }
            int hstore = Integer.parseInt(value(first, "SELECT 'hstore'::regtype::oid"));

            PgConnection second = connect(remembered);
            assertThat(second.typeOid("hstore")).as("within the interval: the answer the factory learned").isEmpty();
            assertThat(await(second.lookupTypeOids("hstore"))).as("on demand: asks the server").containsEntry("hstore", hstore);
            await(second.close());

            PgConnection everyTime = connect("dbname=typeoids extensionTypes=hstore hostRecheckInterval=0");
            assertThat(everyTime.typeOid("hstore")).as("hostRecheckInterval=0: asked at every connect").hasValue(hstore);
            await(everyTime.close());

            factory.forgetTypeOids();
            PgConnection afterForget = connect(remembered);
            assertThat(afterForget.typeOid("hstore")).hasValue(hstore);
            await(afterForget.close());
            PgConnection otherUser = await(factory.connect(Connect.config(PG.primary(), "md5_u", PASSWORD,
                    "sslmode=disable dbname=typeoids extensionTypes=hstore,vector hostRecheckInterval=1h")));
            assertThat(otherUser.typeOid("hstore")).as("another user or name list: its own question").hasValue(hstore);
            await(otherUser.close());
        } finally {
            await(first.close());
            PG.primary().execute("DROP DATABASE typeoids WITH (FORCE)");
        }
    }

    @Test
    void connectsOverAUnixSocket() {
        PgConnection c = await(FACTORY.factory().connect(ConnConfig.parse("host=" + PG.primary().socketDirectory() + " port="
                + PG.primary().port() + " dbname=postgres user=scram_u password=" + PASSWORD + " extensionTypes=''",
                io.pgconn.config.EnvironmentSource.of(java.util.Map.of()))));
        try {
            assertThat(c.host()).endsWith(".s.PGSQL." + PG.primary().port());
            assertThat(value(c, "SELECT coalesce(inet_client_addr()::text, 'unix')")).isEqualTo("unix");
        } finally {
            await(c.close());
        }
    }

    /** libpq ignores sslmode on Unix-domain sockets, even require and verify-full: the socket is plaintext. */
    @org.junit.jupiter.params.ParameterizedTest(name = "sslmode={0} on a Unix socket")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"require", "verify-ca", "verify-full"})
    void sslmodeIsIgnoredOnAUnixSocket(String mode) {
        PgConnection c = await(FACTORY.factory().connect(ConnConfig.parse("host=" + PG.primary().socketDirectory() + " port="
                + PG.primary().port() + " dbname=postgres user=scram_u password=" + PASSWORD + " extensionTypes='' sslmode=" + mode,
                io.pgconn.config.EnvironmentSource.of(java.util.Map.of("HOME", System.getProperty("java.io.tmpdir"))))));
        try {
            assertThat(c.tlsProtocol()).isEmpty();
            assertThat(value(c, "SELECT coalesce(inet_client_addr()::text, 'unix')")).isEqualTo("unix");
        } finally {
            await(c.close());
        }
    }

    @Test
    void closeIsIdempotentAndSafeFromSeveralThreads() throws Exception {
        PgConnection c = connect("extensionTypes=''");
        CompletableFuture<QueryResult> inFlight = c.simpleQuery("SELECT pg_sleep(10)");
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                synchronized (closes) {
                    closes.add(c.close());
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        closes.forEach(Connect::await);
        assertThat(closes).allSatisfy(f -> assertThat(f).isSameAs(closes.get(0)));
        assertThat(c.close()).isSameAs(closes.get(0));
        assertThat(c.isClosed()).isTrue();
        assertThat(failure(inFlight)).isInstanceOf(PgClosedException.class).hasMessageContaining("closed");
        assertThat(failure(c.simpleQuery("SELECT 1"))).isInstanceOf(PgClosedException.class);
    }

    /**
     * connect() and close() hand their work to the event loop, and a caller blocked on them yields its CPU for a
     * moment before it parks (lifecycle.md §4). What close() promises still holds the moment such a join() returns,
     * close after close on a plain thread: the socket is closed, the factory no longer counts the connection (the
     * owners' hooks ran), closeFuture() has completed, and the server's backend ends.
     */
    @Test
    void aYieldingJoinOfCloseReturnsOnlyOnceTheSocketIsClosedAndTheOwnersKnow() {
        try (PgConnectionFactory own = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build()) {
            ConnConfig config = Connect.config(PG.primary(), "scram_u", PASSWORD, "sslmode=disable extensionTypes=''");
            for (int i = 0; i < 40; i++) {
                CompletableFuture<PgConnection> connecting = own.connect(config);
                assertThat(((SpinThenParkFuture<PgConnection>) connecting).yieldsFirst()).isTrue();
                PgConnection c = connecting.join();
                int pid = c.processId();
                assertThat(own.openConnections()).isEqualTo(1);

                CompletableFuture<Void> closing = c.close();
                assertThat(((SpinThenParkFuture<Void>) closing).yieldsFirst()).isTrue();
                closing.join();

                assertThat(c.isClosed()).isTrue();
                assertThat(own.openConnections()).isZero();
                assertThat(c.closeFuture()).isCompleted().isNotCompletedExceptionally();
                Backends.awaitGone(PG.primary(), pid);
            }
        }
    }

    @Test
    void serverSideTerminationSurfacesAs57P01() {
        PgConnection c = connect("extensionTypes=''");
        CompletableFuture<QueryResult> inFlight = c.simpleQuery("SELECT pg_sleep(30)");
        int pid = c.processId();
        Backends.awaitActive(PG.primary(), pid);
        PG.primary().query("SELECT pg_terminate_backend(" + pid + ")");
        Throwable failure = failure(inFlight);
        assertThat(failure).isInstanceOf(PgClosedException.class);
        assertThat(((PgException) failure).sqlState()).contains("57P01");
        await(c.close());
        assertThat(c.isClosed()).isTrue();
    }

    /**
     * user13's F7 (docs/query.md §5): a terminate's FATAL 57P01 during a statement, with a transaction's COMMIT
     * pipelined behind it — the statement it answered and the COMMIT did not take effect (PostgreSQL raises no FATAL
     * inside a commit, and reads nothing after one), so neither is an unknown outcome, and the transaction's row is not
     * there; a statement submitted after the end says it was not sent, with the FATAL. Before, the latter read as a plain
     * "connection ... closed: ... FATAL ... (SQLSTATE 57P01)", like one the server may have run (seen failing:
     * LostPipelineOutcomeIT in session 16's candidate, and this test before the fix).
     */
    @Test
    void aTerminateDuringAStatementTellsItAndThoseBehindItTheyDidNotTakeEffect() {
        PG.primary().query("CREATE TABLE terminated_in_tx (n int); GRANT INSERT ON terminated_in_tx TO scram_u");
        PgConnection c = connect("extensionTypes=''");
        try {
            await(c.simpleQuery("BEGIN"));
            await(c.simpleQuery("INSERT INTO terminated_in_tx VALUES (1)"));
            CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(30)");
            CompletableFuture<QueryResult> commit = c.simpleQuery("COMMIT");
            int pid = c.processId();
            Backends.awaitActive(PG.primary(), pid);
            PG.primary().query("SELECT pg_terminate_backend(" + pid + ")");

            assertThat(failure(sleeping)).isExactlyInstanceOf(PgClosedException.class)
                    .hasMessageContaining("(SQLSTATE 57P01); the server ended the session before the statement completed, so it did not take effect");
            assertThat(failure(commit)).as("not PgCommitOutcomeUnknownException").isExactlyInstanceOf(PgClosedException.class)
                    .hasMessageContaining("(SQLSTATE 57P01); ")
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("so it did not take effect", "so it did not run"));
            assertThat(failure(c.closeFuture())).hasMessageContaining("57P01");
            Throwable after = failure(c.query("SELECT $1::int", 1));
            assertThat(after).isExactlyInstanceOf(PgClosedException.class)
                    .hasMessageContaining("(SQLSTATE 57P01); the statement was not sent, so it did not run");
            assertThat(((PgException) after).sqlState()).contains("57P01");
            assertThat(failure(c.simpleQuery("SELECT 1"))).hasMessageContaining("the statement was not sent, so it did not run");
            assertThat(PG.primary().queryValue("SELECT count(*) FROM terminated_in_tx")).isEqualTo("0");
        } finally {
            await(c.close());
            PG.primary().query("DROP TABLE terminated_in_tx");
        }
    }

    /**
     * A procedure (or DO block) run outside a transaction block may COMMIT inside its one statement: a terminate after
     * its first COMMIT ends a statement that did take effect in part, before its one CommandComplete. So the 57P01 does
     * not prove it took no effect: its outcome is unknown (PgOutcomeUnknownException, non-transient in R2DBC), not "did
     * not take effect" (transient: a retry would insert the committed row again). Simple and extended protocol. Seen
     * failing before the fix: "...(SQLSTATE 57P01); the server ended the session before the statement completed, so it
     * did not take effect" with the procedure's row committed.
     */
    @Test
    void aTerminateAfterAProceduresOwnCommitLeavesItsOutcomeUnknown() {
        PG.primary().query("CREATE TABLE committed_inside (n int); GRANT INSERT ON committed_inside TO scram_u;"
                + " CREATE PROCEDURE commit_then_sleep(k int) LANGUAGE plpgsql AS $$"
                + " BEGIN INSERT INTO committed_inside VALUES (k); COMMIT; PERFORM pg_sleep(30); END $$");
        try {
            for (int k = 1; k <= 2; k++) {
                PgConnection c = connect("extensionTypes=''");
                try {
                    CompletableFuture<?> call = k == 1 ? c.simpleQuery("CALL commit_then_sleep(1)")
                            : c.query("CALL commit_then_sleep($1)", 2);
                    int n = k;
                    io.pgconn.testing.Conditions.awaitCondition("the procedure's first chunk committed", () ->
                            "1".equals(PG.primary().queryValue("SELECT count(*) FROM committed_inside WHERE n = " + n)));
                    PG.primary().query("SELECT pg_terminate_backend(" + c.processId() + ")");

                    assertThat(failure(call)).as(k == 1 ? "simple protocol" : "extended protocol")
                            .isInstanceOf(io.pgconn.PgOutcomeUnknownException.class).hasMessageContaining("57P01");
                } finally {
                    c.close().exceptionally(e -> null).join();
                }
            }
        } finally {
            PG.primary().query("DROP PROCEDURE commit_then_sleep(int); DROP TABLE committed_inside");
        }
    }

    /**
     * CREATE INDEX CONCURRENTLY commits its catalog entry before it waits for the table's writers and builds: a
     * terminate while it waits ends a statement that did take effect in part (an invalid index stays). So the 57P01
     * does not prove it took no effect: unknown, as the script rule says of it (one rule, TransactionalText). Simple
     * and extended protocol. Seen failing before the fix: "...(SQLSTATE 57P01); the server ended the session before
     * the statement completed, so it did not take effect" with the invalid index left.
     */
    @Test
    void aTerminateWhileCreateIndexConcurrentlyWaitsLeavesItsOutcomeUnknownAndItsInvalidIndex() {
        PG.primary().query("CREATE SCHEMA cic AUTHORIZATION scram_u; CREATE TABLE cic.waits (v int); ALTER TABLE cic.waits OWNER TO scram_u");
        PgConnection writer = connect("extensionTypes=''");
        try {
            await(writer.simpleQuery("BEGIN; INSERT INTO cic.waits VALUES (1)")); // a writer CIC waits for, after its commit
            for (int k = 1; k <= 2; k++) {
                String index = "cic.waits_" + k;
                String invalid = "SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('" + index + "') AND NOT indisvalid";
                PgConnection c = connect("extensionTypes=''");
                try {
                    String create = "CREATE INDEX CONCURRENTLY waits_" + k + " ON cic.waits (v)";
                    CompletableFuture<?> created = k == 1 ? c.simpleQuery(create) : c.query(create);
                    io.pgconn.testing.Conditions.awaitCondition("the index's catalog entry committed",
                            () -> created.isDone() || "1".equals(PG.primary().queryValue(invalid)));
                    assertThat(created).as("waiting for the writer").isNotDone();
                    PG.primary().query("SELECT pg_terminate_backend(" + c.processId() + ")");

                    assertThat(failure(created)).as(k == 1 ? "simple protocol" : "extended protocol")
                            .isInstanceOf(io.pgconn.PgOutcomeUnknownException.class).hasMessageContaining("57P01");
                    assertThat(PG.primary().queryValue(invalid)).as("it took effect: its invalid index stays").isEqualTo("1");
                } finally {
                    c.close().exceptionally(e -> null).join();
                }
            }
        } finally {
            writer.close().exceptionally(e -> null).join();
            PG.primary().query("DROP SCHEMA cic CASCADE");
        }
    }

    /**
     * A terminate between statements (nothing in flight: the FATAL comes unsolicited): what is submitted after it was
     * not sent, and says so with the FATAL (before: the plain closed error).
     */
    @Test
    void aTerminateBetweenStatementsTellsTheNextOneItWasNotSent() {
        PgConnection c = connect("extensionTypes=''");
        int pid = c.processId();
        PG.primary().query("SELECT pg_terminate_backend(" + pid + ")");
        assertThat(failure(c.closeFuture())).hasMessageContaining("57P01");

        assertThat(failure(c.simpleQuery("INSERT INTO nowhere VALUES (1)"))).isExactlyInstanceOf(PgClosedException.class)
                .hasMessageContaining("(SQLSTATE 57P01); the statement was not sent, so it did not run");
        await(c.close());
    }

    /**
     * libpq follows a {@code SET client_encoding} (LIBPQ-13 en01: after {@code SET client_encoding TO 'LATIN1'},
     * {@code chr(233)} arrives as the one byte E9). pgconn reads and writes UTF-8 only: before, the session went on,
     * {@code chr(233)} read as U+FFFD and an 'é' sent was read by the server as two LATIN1 characters. Now the
     * ParameterStatus ends the session, naming the encoding; the same setting under UTF-8's other names keeps it.
     */
    @Test
    void aSetClientEncodingOtherThanUtf8EndsTheSessionNamingTheEncoding() {
        PgConnection c = connect("extensionTypes=''");
        await(c.simpleQuery("SET client_encoding TO 'unicode'"));
        assertThat(value(c, "SELECT chr(233)")).isEqualTo("é");
        Throwable failure = failure(c.simpleQuery("SET client_encoding TO 'LATIN1'"));
        assertThat(failure).isInstanceOf(PgClosedException.class)
                .hasMessageContaining("client_encoding")
                .hasMessageContaining("LATIN1")
                .hasMessageContaining("UTF8 only");
        assertThat(failure(c.simpleQuery("SELECT chr(233)"))).isInstanceOf(PgClosedException.class);
        assertThat(failure(c.closeFuture())).hasMessageContaining("reported client_encoding LATIN1");
        assertThat(c.isClosed()).isTrue();
    }

    @Test
    void closeCancelsARunningStatementSoItsBackendEnds() {
        PgConnection c = connect("extensionTypes=''");
        CompletableFuture<QueryResult> sleeping = c.simpleQuery("SELECT pg_sleep(120)");
        int pid = c.processId();
        Backends.awaitActive(PG.primary(), pid);
        await(c.close());
        assertThat(failure(sleeping)).isInstanceOf(PgClosedException.class);
        // without the cancel request the backend would sleep on for two minutes, past this wait
        Backends.awaitGone(PG.primary(), c.processId());
    }

    @Test
    void factoryCloseEndsConnectionsInUseAndRefusesNewConnects() {
        PgConnectionFactory own = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).build();
        ConnConfig config = Connect.config(PG.primary(), "scram_u", PASSWORD, "sslmode=disable extensionTypes=''");
        PgConnection idle = await(own.connect(config));
        PgConnection busy = await(own.connect(config));
        CompletableFuture<QueryResult> sleeping = busy.simpleQuery("SELECT pg_sleep(120)");
        Backends.awaitActive(PG.primary(), busy.processId());
        assertThat(own.openConnections()).isEqualTo(2);

        await(own.closeAsync(java.time.Duration.ofSeconds(5)));

        assertThat(own.openConnections()).isZero();
        assertThat(idle.isClosed()).isTrue();
        assertThat(failure(sleeping)).isInstanceOf(PgClosedException.class).hasMessageContaining("factory was closed");
        assertThat(failure(own.connect(config))).isInstanceOf(PgClosedException.class).hasMessageContaining("factory is closed");
        Backends.awaitGone(PG.primary(), idle.processId(), busy.processId());
    }

    @Test
    void theTracerHasTheWholeConnectBeforeTheCallerSeesTheConnection() {
        io.pgconn.testing.RecordingTracer tracer = new io.pgconn.testing.RecordingTracer();
        try (PgConnectionFactory traced = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).tracer(tracer).build()) {
            CompletableFuture<Integer> endedSeenByCaller = traced
                    .connect(Connect.config(PG.primary(), "scram_u", PASSWORD, "sslmode=disable extensionTypes=''"))
                    .thenApply(c -> {
                        c.close();
                        return tracer.events(io.pgconn.trace.PgTracer.ConnectEnded.class).size();
                    });
            assertThat(await(endedSeenByCaller)).isEqualTo(1);
        }
    }

    @Test
    void tracerEventsCarryTheHostAddressTlsAuthAndRoleAsFields() {
        io.pgconn.testing.RecordingTracer tracer = new io.pgconn.testing.RecordingTracer();
        try (PgConnectionFactory traced = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).tracer(tracer).build()) {
            PgConnection c = await(traced.connect(Connect.config(PG.primary(), "scram_u", PASSWORD, "sslmode=disable")));
            await(c.close());

            PgTracer.ConnectStarted started = tracer.events(PgTracer.ConnectStarted.class).get(0);
            assertThat(started.hostSpecs()).containsExactly(c.hostSpec());
            PgTracer.HostAttemptStarted attempt = tracer.events(PgTracer.HostAttemptStarted.class).get(0);
            assertThat(attempt.hostSpec()).isEqualTo(c.hostSpec());
            assertThat(attempt.port()).isEqualTo(c.hostSpec().port());
            assertThat(attempt.socketAddress()).isInstanceOfSatisfying(InetSocketAddress.class,
                    a -> assertThat(a.getPort()).isEqualTo(c.hostSpec().port()));
            assertThat(attempt.tls()).isFalse();
            PgTracer.HostAttemptEnded ended = tracer.events(PgTracer.HostAttemptEnded.class).get(0);
            assertThat(ended.outcome()).isEqualTo(PgTracer.HostOutcome.CONNECTED);
            assertThat(ended.hostSpec()).isEqualTo(c.hostSpec());
            assertThat(ended.socketAddress()).isEqualTo(attempt.socketAddress());
            assertThat(ended.role()).isEqualTo(ServerRole.PRIMARY);
            assertThat(ended.authMethod()).isEqualTo(AuthMethod.SCRAM_SHA_256);
            assertThat(ended.tls()).isFalse();
            PgTracer.ConnectEnded connect = tracer.events(PgTracer.ConnectEnded.class).get(0);
            assertThat(connect.hostSpec()).isEqualTo(c.hostSpec());
            assertThat(connect.port()).isEqualTo(c.hostSpec().port());
            assertThat(connect.socketAddress()).isEqualTo(attempt.socketAddress());
            assertThat(connect.role()).isEqualTo(ServerRole.PRIMARY);
            assertThat(connect.authMethod()).isEqualTo(AuthMethod.SCRAM_SHA_256);
            assertThat(connect.tlsProtocol()).isNull();
            PgTracer.ConnectionClosed closed = tracer.events(PgTracer.ConnectionClosed.class).get(0);
            assertThat(closed.hostSpec()).isEqualTo(c.hostSpec());
            assertThat(closed.socketAddress()).isEqualTo(attempt.socketAddress());
            assertThat(closed.processId()).isEqualTo(c.processId());
        }
    }
}
