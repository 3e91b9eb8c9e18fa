package io.pgconn.internal.query;

import io.pgconn.internal.loop.CallerRunEventLoop;

/**
 * One connection's {@code blockingWaitSpin} (docs/query.md §1), backing off while its spins keep failing. A spin that
 * runs to its end without the answer (the event loop that would complete the future waits for a CPU taken by other
 * work, or the statement takes longer than the spin) cost a CPU for nothing, and under outside load every spin does
 * (session 21: a one-row select's p50 0.116 ms at load 5–6 with a 100-µs spin, the spin's full length). So after two
 * failed spins in a row the next wait parks at once, and each further failure doubles the run of waits that park
 * (1, 2, 4 … {@value #MOST_WAITS_PARKED}); the wait after such a run spins again as a probe, and one spin that sees the
 * answer ends the back-off. Under lasting load that is one spin per {@value #MOST_WAITS_PARKED} waits; once the load is
 * gone the next probe restores spinning. The idea is HotSpot's adaptive spinning of a contended monitor
 * ({@code ObjectMonitor::TrySpin}: a spin that succeeds lengthens the next, one that fails shortens it), cut to on and off.
 * A wait that ended its spin early for another reason (an interrupt, a {@code get} timeout shorter than the spin) tells
 * nothing and is not counted.
 * <p>
 * Safe from any thread and shared by every future of the connection: the counts are plain fields, so two threads
 * waiting at once may lose an update — a heuristic's state, which only decides whether a wait spins first.
 */
public final class WaitSpinBackoff {

    /** The longest run of waits that park at once before a probe spins again. */
    static final int MOST_WAITS_PARKED = 64;
    /** A spin of zero: never spins ({@code blockingWaitSpin=0}, the default). */
    public static final WaitSpinBackoff NONE = new WaitSpinBackoff(0);

    private final long spinNanos;
    /** The connection's caller-run event loop, which a blocked caller runs while it waits (docs/query.md §1); else null. */
    private final CallerRunEventLoop loop;
    /** Failed spins since the last that saw the answer. */
    private int failuresInARow;
    /** Waits left that park without spinning. */
    private int parkedLeft;

    /** @param spinNanos the {@code blockingWaitSpin} setting, in nanoseconds (0: no spin) */
    public WaitSpinBackoff(long spinNanos) {
        this(spinNanos, null);
    }

    /**
     * A connection on a caller-run event loop: a caller blocked on its statements runs {@code loop}, polling it for
     * the spin's length first ({@link SpinThenParkFuture}).
     */
    public WaitSpinBackoff(long spinNanos, CallerRunEventLoop loop) {
        this.spinNanos = spinNanos;
        this.loop = loop;
    }

    /** The connection's caller-run event loop, or null when its loop runs on a thread of its own. */
    CallerRunEventLoop loop() {
        return loop;
    }

    /** The setting: how long a wait spins when not backing off. */
    public long spinNanos() {
        return spinNanos;
    }

    /** How long the wait starting now spins: the setting, or 0 while backing off (that wait counted). */
    long nextSpin() {
        if (parkedLeft > 0) {
            parkedLeft--;
            return 0;
        }
        return spinNanos;
    }

    /** A full spin ended: {@code answered}, the future was done within it; otherwise it ran to its end in vain. */
    void spun(boolean answered) {
        if (answered) {
            failuresInARow = 0;
            return;
        }
        int failures = failuresInARow < 64 ? ++failuresInARow : failuresInARow;
        if (failures >= 2) {
            parkedLeft = 1 << Math.min(failures - 2, Integer.numberOfTrailingZeros(MOST_WAITS_PARKED));
        }
    }

    /** Whether the next wait would park at once (tests). */
    boolean backingOff() {
        return parkedLeft > 0;
    }
}
