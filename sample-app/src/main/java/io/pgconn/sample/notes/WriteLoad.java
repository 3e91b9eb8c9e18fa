package io.pgconn.sample.notes;

import io.r2dbc.spi.R2dbcException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A steady trickle of writes through {@link NoteService} (one every {@code sample.write-load.interval},
 * see {@link WriteLoadProperties}),
 * counted so the page can show writes continuing on the new primary after a failover: how many
 * succeeded, on which host each landed, how many failed and why ({@code 25006}, a write refused by a
 * read-only server, is counted apart: the pool must never hand out a connection to one). Each write is
 * bounded by {@code sample.write-load.timeout}, so a hung request shows as a failure, not as silence.
 * Off with {@code sample.write-load.enabled=false} (the {@code external} profile: no writes into your
 * database unless you ask).
 */
@Component
@EnableConfigurationProperties(WriteLoadProperties.class)
public class WriteLoad implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WriteLoad.class);

    /** SQLSTATE read_only_sql_transaction: a write sent to a standby or a read-only primary. */
    static final String READ_ONLY = "25006";

    private final NoteService notes;
    private final boolean enabled;
    private final Duration interval;
    private final Duration timeout;

    private long succeeded;
    private long failed;
    private long readOnlyRefusals;
    private final Map<String, Long> byHost = new LinkedHashMap<>();
    private final Map<String, Long> failures = new LinkedHashMap<>();
    private String lastHost;
    private Instant lastSuccessAt;
    private String lastError;
    private Instant lastFailureAt;
    private Disposable loop;

    WriteLoad(NoteService notes, WriteLoadProperties properties) {
        this.notes = notes;
        this.enabled = properties.enabled();
        this.interval = properties.interval();
        this.timeout = properties.timeout();
    }

    @Override
    public synchronized void start() {
        if (!enabled || loop != null) {
            return;
        }
        // one write at a time: the next starts an interval after the previous one ended
        loop = Mono.defer(this::writeOnce).then(Mono.delay(interval)).repeat().subscribe();
        log.info("Write load on: one note every {} through Spring Data R2DBC", interval);
    }

    private Mono<Void> writeOnce() {
        return notes.write("load " + Instant.now())
                .timeout(timeout)
                .doOnNext(note -> succeeded(note.host()))
                .doOnError(this::failed)
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    private synchronized void succeeded(String host) {
        succeeded++;
        byHost.merge(host, 1L, Long::sum);
        lastHost = host;
        lastSuccessAt = Instant.now();
    }

    private synchronized void failed(Throwable error) {
        failed++;
        String reason = reason(error);
        failures.merge(reason, 1L, Long::sum);
        if (READ_ONLY.equals(reason)) {
            readOnlyRefusals++;
        }
        lastError = reason + ": " + error.getMessage();
        lastFailureAt = Instant.now();
    }

    /** The SQLSTATE when the server refused, {@code timeout}, or the exception's simple name. */
    static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
                return r2dbc.getSqlState();
            }
            if (t instanceof TimeoutException) {
                return "timeout";
            }
        }
        return error.getClass().getSimpleName();
    }

    @Override
    public synchronized void stop() {
        if (loop != null) {
            loop.dispose();
            loop = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return loop != null;
    }

    /** What the load did so far. */
    public synchronized Stats stats() {
        return new Stats(enabled, interval.toMillis(), succeeded, failed, readOnlyRefusals, new LinkedHashMap<>(byHost),
                new LinkedHashMap<>(failures), lastHost, lastSuccessAt, lastError, lastFailureAt);
    }

    /**
     * @param enabled          whether the load runs
     * @param intervalMillis   pause between two writes
     * @param succeeded        writes that committed
     * @param failed           writes that failed or timed out
     * @param readOnlyRefusals failed with SQLSTATE 25006 (sent to a read-only server): expected 0
     * @param byHost           successful writes per host ({@code host:port}), in the order hosts first took one
     * @param failures         failed writes per reason (SQLSTATE, {@code timeout} or exception name)
     * @param lastHost         host of the last successful write
     * @param lastSuccessAt    when it committed
     * @param lastError        the last failure, reason and message (pgconn's messages hold no secrets)
     * @param lastFailureAt    when it happened
     */
    public record Stats(boolean enabled, long intervalMillis, long succeeded, long failed, long readOnlyRefusals,
                        Map<String, Long> byHost, Map<String, Long> failures, String lastHost, Instant lastSuccessAt,
                        String lastError, Instant lastFailureAt) {
    }
}
