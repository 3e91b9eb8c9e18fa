package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * COPY on pgconn's R2DBC connections (docs/r2dbc.md §6): reached by a cast or, under r2dbc-pool and a proxy, with
 * {@link PgConnUnwrap#copy}; 100,000 CSV rows in from a Flux and out again with bounded demand; a COPY inside an R2DBC
 * transaction rolls back with it; a bad row or a failing Flux fails the copy with an R2DBC exception and the
 * connection goes on; a cancelled copyOut leaves the connection usable.
 */
class R2dbcCopyIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-copy", 0).build();

    private static long count(Connection c, String table) {
        return Flux.from(c.createStatement("SELECT count(*) FROM " + table).execute())
                .flatMap(r -> r.map(row -> row.get(0, Long.class))).blockLast(STEP);
    }

    private static void run(Connection c, String sql) {
        Flux.from(c.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).blockLast(STEP);
    }

    private static Flux<ByteBuffer> csvRows(int rows, int perChunk) {
        return Flux.range(0, rows / perChunk).map(chunk -> {
            StringBuilder csv = new StringBuilder();
            for (int i = chunk * perChunk + 1; i <= (chunk + 1) * perChunk; i++) {
                csv.append(i).append(",\"item, ").append(i).append("\"\n");
            }
            return ByteBuffer.wrap(csv.toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void aPooledConnectionThroughAProxyCopiesAHundredThousandRowsInAndOut() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(WrappingProxies.around(factory))
                    .initialSize(0).maxSize(1).build());
            try {
                Connection pooled = pool.create().block(STEP);
                try {
                    run(pooled, "DROP TABLE IF EXISTS r2dbc_copy; CREATE TABLE r2dbc_copy (id int, name text)");
                    PgConnR2dbcCopy copy = PgConnUnwrap.copy(pooled);
                    assertThat(copy.copyIn("COPY r2dbc_copy FROM STDIN (FORMAT csv)", csvRows(100_000, 500)).block(STEP))
                            .isEqualTo(100_000L);
                    assertThat(count(pooled, "r2dbc_copy")).isEqualTo(100_000L);
                    long[] lines = {0};
                    StringBuilder last = new StringBuilder();
                    copy.copyOut("COPY (SELECT * FROM r2dbc_copy ORDER BY id) TO STDOUT (FORMAT csv)").limitRate(64)
                            .doOnNext(chunk -> {
                                lines[0]++;
                                last.setLength(0);
                                last.append(StandardCharsets.UTF_8.decode(chunk));
                            }).blockLast(STEP);
                    assertThat(lines[0]).isEqualTo(100_000L);
                    assertThat(last.toString()).isEqualTo("100000,\"item, 100000\"\n");
                } finally {
                    Mono.from(pooled.close()).block(STEP);
                }
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    @Test
    void aCopyInsideAnR2dbcTransactionRollsBackWithItAndErrorsAreR2dbcExceptions() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            Connection c = Mono.from(factory.create()).block(STEP);
            try {
                run(c, "DROP TABLE IF EXISTS r2dbc_copy_tx; CREATE TABLE r2dbc_copy_tx (id int, name text)");
                PgConnR2dbcCopy copy = (PgConnR2dbcCopy) c; // the driver's connection is one
                Mono.from(c.beginTransaction()).block(STEP);
                assertThat(copy.copyIn("COPY r2dbc_copy_tx FROM STDIN (FORMAT csv)", csvRows(1_000, 100)).block(STEP)).isEqualTo(1_000L);
                assertThat(count(c, "r2dbc_copy_tx")).isEqualTo(1_000L);
                Mono.from(c.rollbackTransaction()).block(STEP);
                assertThat(count(c, "r2dbc_copy_tx")).isZero();

                Flux<ByteBuffer> bad = Flux.just(ByteBuffer.wrap("1,ok\nnot-a-number,x\n".getBytes(StandardCharsets.UTF_8)));
                assertThatThrownBy(() -> copy.copyIn("COPY r2dbc_copy_tx FROM STDIN (FORMAT csv)", bad).block(STEP))
                        .isInstanceOf(R2dbcException.class).hasMessageContaining("22P02");

                IOException broken = new IOException("secret line could not be read");
                AtomicBoolean cancelledFlux = new AtomicBoolean();
                Flux<ByteBuffer> failing = csvRows(1_000, 100).concatWith(Flux.error(broken));
                assertThatThrownBy(() -> copy.copyIn("COPY r2dbc_copy_tx FROM STDIN (FORMAT csv)", failing).block(STEP))
                        .isInstanceOf(R2dbcException.class).hasMessageNotContaining("secret")
                        .hasRootCause(broken);

                Flux<ByteBuffer> endless = Flux.<ByteBuffer>generate(sink -> sink.next(
                        ByteBuffer.wrap("7,endless\n".getBytes(StandardCharsets.UTF_8)))).doOnCancel(() -> cancelledFlux.set(true));
                assertThat(copy.copyIn("COPY r2dbc_copy_tx FROM STDIN (FORMAT csv)", endless).timeout(Duration.ofMillis(300))
                        .onErrorResume(java.util.concurrent.TimeoutException.class, e -> Mono.just(-1L)).block(STEP)).isEqualTo(-1L);
                assertThat(count(c, "r2dbc_copy_tx")).as("each failed or cancelled copy rolled back").isZero();
                assertThat(cancelledFlux.get()).isTrue();

                assertThat(copy.copyOut("COPY (SELECT generate_series(1, 2000000000)) TO STDOUT").take(1_000).count().block(STEP))
                        .isEqualTo(1_000L);
                assertThat(count(c, "r2dbc_copy_tx")).as("usable after a cancelled copyOut").isZero();
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    /**
     * REVIEW-20 Y5: a copyOut whose reader took one chunk and stopped asking, inside a transaction. The copy was no
     * read in progress for the rollback: {@code rollbackTransaction()} (Spring's, when an export's client goes away)
     * was queued behind the COPY, which holds the session until its end, and waited as long as the reader — with the
     * transaction's locks held. Now the rollback waits the reads' grace, cuts the copy off (cancelled on the server),
     * rolls back, and the reader is told.
     */
    @Test
    void aRollbackBehindACopyOutReaderThatStoppedAskingCutsTheCopyOffAndRollsBack() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            Connection c = Mono.from(factory.create()).block(STEP);
            try {
                Mono.from(c.beginTransaction()).block(STEP);
                run(c, "SELECT pg_advisory_xact_lock(4848)");
                StoppedReader reader = new StoppedReader();
                ((PgConnR2dbcCopy) c).copyOut("COPY (SELECT g, repeat('x', 100) FROM generate_series(1, 1000000) g) TO STDOUT")
                        .subscribe(reader);
                assertThat(reader.first.get(STEP.toSeconds(), TimeUnit.SECONDS)).isNotNull();

                Mono.from(c.rollbackTransaction()).block(STEP);
                assertThat(reader.end.get(STEP.toSeconds(), TimeUnit.SECONDS))
                        .as("the reader is told its copy was cut off").isInstanceOf(R2dbcNonTransientResourceException.class)
                        .hasMessageContaining("rollbackTransaction()");
                assertThat(advisoryLocksOf(c)).as("the transaction's locks are released").isEqualTo("0");
                assertThat(c.isAutoCommit()).isTrue();
                assertThat(count(c, "(SELECT 1) one")).as("the connection goes on").isEqualTo(1L);
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    /** REVIEW-20 Y5's twin: a copyIn whose data sent one chunk and then nothing, never completing. */
    @Test
    void aRollbackBehindACopyInWhoseDataStoppedCutsTheCopyOffAndRollsBack() throws Exception {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""))) {
            Connection c = Mono.from(factory.create()).block(STEP);
            try {
                run(c, "DROP TABLE IF EXISTS r2dbc_copy_stalled; CREATE TABLE r2dbc_copy_stalled (id int, name text)");
                Mono.from(c.beginTransaction()).block(STEP);
                run(c, "SELECT pg_advisory_xact_lock(4949)");
                CompletableFuture<ByteBuffer> sent = new CompletableFuture<>();
                Flux<ByteBuffer> stalled = Flux.concat(csvRows(10, 10).doOnNext(sent::complete), Flux.never());
                CompletableFuture<Throwable> end = new CompletableFuture<>();
                ((PgConnR2dbcCopy) c).copyIn("COPY r2dbc_copy_stalled FROM STDIN (FORMAT csv)", stalled)
                        .subscribe(rows -> end.complete(null), end::complete);
                sent.get(STEP.toSeconds(), TimeUnit.SECONDS);

                Mono.from(c.rollbackTransaction()).block(STEP);
                assertThat(end.get(STEP.toSeconds(), TimeUnit.SECONDS))
                        .as("the copy is told it was cut off").isInstanceOf(R2dbcNonTransientResourceException.class)
                        .hasMessageContaining("rollbackTransaction()");
                assertThat(advisoryLocksOf(c)).as("the transaction's locks are released").isEqualTo("0");
                assertThat(count(c, "r2dbc_copy_stalled")).as("nothing of the copy stays").isZero();
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    /** Took its first chunk and asks for no more, never cancelling. */
    static final class StoppedReader extends BaseSubscriber<ByteBuffer> {
        final CompletableFuture<ByteBuffer> first = new CompletableFuture<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(ByteBuffer chunk) {
            first.complete(chunk);
        }

        @Override
        protected void hookOnError(Throwable error) {
            end.complete(error);
        }

        @Override
        protected void hookOnComplete() {
            end.complete(null);
        }
    }

    private static String advisoryLocksOf(Connection c) {
        return PG.primary().queryValue("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = "
                + PgConnUnwrap.pgConnection(c).processId());
    }

    @Test
    void aConnectionOfAnotherDriverHasNoCopyAndSaysWhy() {
        Connection foreign = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> null);
        assertThatThrownBy(() -> PgConnUnwrap.copy(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pgconn R2DBC connection").hasMessageContaining("no COPY");
    }
}
