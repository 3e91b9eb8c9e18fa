package io.pgconn.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgconn.internal.query.Exchange;
import io.pgconn.internal.query.SpinThenParkFuture;
import io.pgconn.internal.transport.CallerCloseGuard;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A statement started on its caller's thread (docs/query.md §1): when the caller is not the event loop, the channel
 * is plaintext epoll ({@link CallerCloseGuard}), no tracer follows the connection, no close was asked for, and the
 * session can be owned ({@link SessionGate#own}: nothing counted, the loop outside the session's code — waited for
 * briefly while it finishes the completion that woke this caller). As owner: no type lookup due and no CancelRequest
 * holding the writes, or it gives the session back and the statement takes the loop's way; else the exchange is made,
 * put in the FIFO with its request encoded into a buffer of its own ({@link SessionWrites#ownerEncodesInto}), and the buffer sent with
 * one {@code send} ({@link CallerCloseGuard#trySend}); what the socket did not take, or all of it when the guard's lock
 * is held, becomes the session's next write ({@link SessionWrites#takeRest}). Then the session is given back into "the
 * loop has work": the loop reads the gate at its next door — the answer's read — before it touches anything the owner
 * did. Part of {@link PipelinedSession}, whose state the owner touches.
 */
final class CallerStart {

    /** How long a caller starting a statement waits for the loop to leave the session's code (the completion that woke it). */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /**
     * What that wait does between its looks ({@link #waitForTheLoop(int)} for the CPUs this JVM may use).
     */
    static final Runnable WAIT_FOR_THE_LOOP = waitForTheLoop(Runtime.getRuntime().availableProcessors());

    /**
     * With one CPU (a container's limit, {@code taskset}) the wait offers it ({@link Thread#yield()}): the loop it waits
     * for can only leave the session's code on that CPU, and a {@link Thread#onSpinWait()} spin there only kept it from
     * finishing — with the client on one vCPU, about one blocked statement in ten ran the 20 µs out and took the loop's
     * way (pgconn-benchmarks/results/2026-12-07-session29-pk.md: per-round p50 0.91–0.97× base). With more CPUs the
     * loop runs beside the caller, and the wait keeps its CPU: a yield where other threads are runnable gives them a
     * whole time slice (REVIEW-29 R29-11: one yield beside one busy thread p90 3.9 ms, against the spin's 20 µs at most).
     */
    static Runnable waitForTheLoop(int cpus) {
        return cpus == 1 ? SpinThenParkFuture.YIELD : SpinThenParkFuture.ON_SPIN_WAIT;
    }

    private final PipelinedSession session;
    private final Channel channel;
    private final SessionWrites writes;
    private final SessionGate idle;
    private final ExchangeFifo fifo;
    private final CancelHold cancels;
    /** The channel's guard when a caller may send on it (plaintext epoll); found at the first start after the connect path installed it. */
    private volatile CallerCloseGuard guard;
    /**
     * The channel has no guard (TLS, NIO, io_uring): the connect path installs it with the session's handler, before
     * any statement, so the first start's look-up is the answer for good (REVIEW-18-START L5: no pipeline walk per statement).
     */
    private volatile boolean noGuard;
    /**
     * Tests only (null otherwise): run once by the next owner after its checks (a hook that waits holds the session
     * owned; one that throws fails in the owner's section). Set by the test before it issues the statement on another
     * thread's executor, whose hand-off orders the write before this read.
     */
    private Runnable whileOwned;
    /** Tests only, as {@link #whileOwned}: run once by the next owner right after its exchange joined the FIFO. */
    private Runnable afterJoining;
    /** Requests a caller started whose bytes (some or all) it handed to the loop (tests; written by owners only). */
    private volatile long handedToTheLoop;
    /**
     * A close was asked for ({@link #closeAsked}, from {@link SessionEnd#close} before anything else): no statement
     * starts on a caller's thread any more. A close the loop makes is a task the gate does not count, so without this a
     * statement submitted after {@code close()} on the same thread could own the idle session, be sent and commit
     * before that task's Terminate (REVIEW-18-START H1); it takes the loop's way instead, behind the close, and fails
     * as not sent.
     */
    private volatile boolean closeAsked;

    CallerStart(PipelinedSession session, Channel channel, SessionWrites writes, SessionGate idle, ExchangeFifo fifo,
                CancelHold cancels) {
        this.session = session;
        this.channel = channel;
        this.writes = writes;
        this.idle = idle;
        this.fifo = fifo;
        this.cancels = cancels;
    }

    /** Starts the statement {@code first} makes on this thread when it may (the class); false: the loop's way. */
    boolean start(Supplier<? extends Exchange> first) {
        Channel ch = channel;
        if (session.statementTrace() != null || ch.eventLoop().inEventLoop()) {
            return false;
        }
        CallerCloseGuard sendGuard = guard;
        if (sendGuard == null) {
            if (noGuard) {
                return false;
            }
            sendGuard = CallerCloseGuard.of(ch);
            if (sendGuard == null) {
                noGuard = true;
                return false;
            }
            guard = sendGuard;
        }
        if (closeAsked || !idle.own(SPIN_NANOS, WAIT_FOR_THE_LOOP)) {
            return false;
        }
        boolean loopHasWork = false;
        try {
            if (closeAsked || !ch.isActive() || !writes.nothingUnsent() || cancels.holding()
                    || session.serverReports().typeOids().mayQueueLookup()) {
                return false; // given back below: the loop's way, nothing of the statement made yet
            }
            Runnable hook = whileOwned;
            if (hook != null) {
                whileOwned = null;
                hook.run();
            }
            Exchange exchange = first.get();
            if (exchange != null) {
                ByteBuf out = ch.alloc().directBuffer(256);
                writes.ownerEncodesInto(out);
                try {
                    fifo.add(exchange);
                    Runnable joined = afterJoining;
                    if (joined != null) {
                        afterJoining = null;
                        joined.run();
                    }
                } catch (RuntimeException | Error e) {
                    out.release();
                    if (fifo.isEmpty()) {
                        throw e; // nothing of it joined the session: the caller's to fail (StatementRun)
                    }
                    writes.ownerSentNothing(); // its end tells the exchange "not sent"
                    // it joined the FIFO (empty when this thread took the session) but its bytes are dropped: left there
                    // it would take the next statement's answer. The session ends instead, and its end fails the
                    // exchange through the FIFO, once (REVIEW-19 M2)
                    session.failClosed(e);
                    return true;
                } finally {
                    writes.ownerEncoded();
                    loopHasWork = !fifo.isEmpty();
                }
                try {
                    send(ch, sendGuard, out);
                } catch (Throwable e) {
                    // the request is in the FIFO: it is not the caller's to fail; nothing more is sent, the session ends
                    // and its end fails the exchange (as a write that cannot be encoded does)
                    session.failClosed(e);
                }
                idle.startedByOwner();
            }
            return true;
        } finally {
            idle.releaseOwned(loopHasWork, ch.eventLoop());
        }
    }

    /** Tests: {@code hook} runs once in the next caller-side start, while its thread owns the session. */
    void whileOwned(Runnable hook) {
        whileOwned = hook;
    }

    /** Tests: {@code hook} runs once in the next caller-side start, right after its exchange joined the FIFO. */
    void afterJoiningTheFifo(Runnable hook) {
        afterJoining = hook;
    }

    /** Any thread: a close was asked for; no start on a caller's thread after it. */
    void closeAsked() {
        closeAsked = true;
    }

    /** Requests started on a caller's thread whose bytes, some or all, the loop wrote (tests). */
    long handedToTheLoop() {
        return handedToTheLoop;
    }

    /** The owner: sends {@code out} (released here), the rest the loop's way. */
    private void send(Channel ch, CallerCloseGuard sendGuard, ByteBuf out) {
        if (!out.isReadable()) {
            out.release(); // nothing was encoded: held back (writes held), unwritable, or the encoding failed
            writes.ownerSentNothing();
            return;
        }
        ByteBuffer bytes = out.nioBuffer();
        int sent = sendGuard.trySend(ch, bytes);
        if (sent == out.readableBytes()) {
            out.release();
            return;
        }
        out.skipBytes(Math.max(sent, 0));
        handedToTheLoop++; // one owner at a time: no update is lost
        // the rest becomes the session's next write (WriteBatch, touched here as the owner): whatever the loop writes
        // next — a close's Terminate queued while this thread owned the session included (flushPending) — goes after
        // it (REVIEW-18-START M2: a Netty write task queued here ran after such a close's Terminate), and its failure
        // follows WriteBatch's one rule for failed writes (M1)
        Runnable flush = writes.takeRest(out, sent > 0);
        try {
            session.execute(flush);
        } catch (RejectedExecutionException e) {
            writes.discardPending(); // the event loops are shut down: Netty closed the channel, nothing more is written
        }
    }
}
