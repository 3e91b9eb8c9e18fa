package io.pgconn.internal.loop;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * An event loop whose thread is whoever holds its lead (docs/query.md §1, "caller-run event loops"): a caller blocked
 * on a statement's future runs the loop itself until the future is done — the request was sent on its thread
 * (CallerStart), and the answer is read there too, one thread and one context switch per round trip, as a blocking
 * driver's — and a background thread of its own leads while no caller does, so notifications, the server's close,
 * timers and asynchronous users' work are served as on any loop.
 *
 * <p>The lead is one atomic field ({@link #inEventLoop(Thread)}: the thread holding it), passed by compare-and-set from
 * FREE (null), so the handler's, the task queue's consumer side and the timers' state pass with it (happens-before).
 * Only the leader runs the {@link IoHandler}, tasks and timers. The hand-over:
 * <ul>
 * <li>a waiting caller ({@link #awaitDone}) takes the lead when it is FREE, polls for its spin, then blocks in the
 *     handler until its future is done, and sets the lead FREE again with a plain volatile write — no system call,
 *     no wake-up — unless someone needs a driver now (tasks queued, followers whose futures are not done, a shutdown):
 *     then it unparks the background thread; it publishes the next timer's deadline, and unparks the background thread
 *     only to shorten its park when that comes first;</li>
 * <li>a caller that finds the lead held follows: it waits for its future as a plain future's waiter, woken by its
 *     completion. When the background thread leads, the follower marks that a caller wants the lead; the background
 *     thread gives it up (FREE) after the loop turn that woke it, once no follower's future is pending;</li>
 * <li>the background thread, not leading, parks for the linger (or until the published timer is due) and takes the lead
 *     when it finds it FREE with no caller having led during a whole linger, or a timer due, or at once when work is
 *     waiting ({@link #execute} while FREE unparks it).</li>
 * </ul>
 * So a thread that blocks on one statement after another leads through each wait, and the background thread only
 * wakes once per linger to see that; an idle loop is led by the background thread, blocked in {@code epoll_wait}.
 *
 * <p>Shutdown ({@link #shutdownGracefully}) is finished by the background thread: a leading caller hands the lead back
 * and follows, the background thread runs the remaining tasks, closes the registrations and destroys the handler.
 */
public final class CallerRunEventLoop extends AbstractScheduledEventExecutor implements IoEventLoop {

    private static final int STARTED = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int SHUTDOWN = 2;
    private static final int TERMINATED = 3;

    private static final System.Logger LOG = System.getLogger(CallerRunEventLoop.class.getName());

    private final IoEventLoopGroup parent;
    private final IoHandler handler;
    private final long lingerNanos;
    private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue();
    /** The thread that may run the handler, the tasks and the timers now; null: FREE. */
    private final AtomicReference<Thread> lead = new AtomicReference<>();
    private final AtomicInteger state = new AtomicInteger(STARTED);
    /** Adds from outside the loop under way: the shutdown's last drain waits for them (they saw the loop running). */
    private final AtomicInteger outsideAdds = new AtomicInteger();
    private final Promise<Void> terminationFuture = new DefaultPromise<>(GlobalEventExecutor.INSTANCE);
    /** Callers waiting for a future while another thread leads (identity: one entry per wait). */
    private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
    /** The background thread, set when it starts. */
    private volatile Thread background;
    /** A caller followed while the background thread led: it gives the lead up after its loop turn. */
    private volatile boolean callerWants;
    /** How many times a caller took the lead (written by leaders only): the background thread's "no caller led" check. */
    private volatile long callerLeads;
    /**
     * A leaving caller woke the background thread because work cannot wait for a linger (tasks,
     * a follower): it must lead at once, not count the caller's lead as a reason to linger again (REVIEW C32-4).
     */
    private volatile boolean driverNeeded;
    /**
     * The next timer's deadline ({@link #ticker()} time; -1: none) as the last leader to leave saw it: the background
     * thread, not leading, parks no longer than until then, so a timer runs when due while nobody leads. A timer is no
     * reason to keep or take the lead while callers lead: their turns run due timers (the handler blocks no longer than
     * the next one). Holding the lead for every timer within the linger kept the background thread leading against
     * waiting callers while any timer was near (a session's 100 ms slow-owner check, a long linger): a CI run read
     * 1,709 of 2,000 blocked callers' answers on the background thread.
     */
    private volatile long timerDeadline = -1;
    /** When the background thread's current park ends ({@link #ticker()} time): a leaver with an earlier timer unparks it. */
    private volatile long backgroundWakeAt = Long.MAX_VALUE;
    /**
     * Completes a leading caller's wait when another thread completes its future ({@code orTimeout}, a cancel, a stage of
     * another future): the handler, blocked in {@code epoll_wait}, is woken, or the caller would wait for the next I/O
     * (REVIEW C32-1). Captures nothing: one object for the loop's life.
     */
    private final java.util.function.BiConsumer<Object, Throwable> wakeIfCompletedOutside = this::wakeIfCompletedOutside;
    /**
     * The longest the handler is told it may block without a timer or a deadline: Netty's NIO handler adds the delay to
     * the current time, and {@code Long.MAX_VALUE} overflowed into a negative timeout, a {@code selectNow} spin on an
     * idle loop (REVIEW C32-2); Netty's own loops bound it the same way (their scheduled-task purge interval).
     */
    static final long MAX_BLOCK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final IoHandlerContext nonBlocking = new Context(-1);
    private final Context blocking = new Context(Long.MAX_VALUE);

    /* the leader's own state: passed with the lead */
    private boolean initialized;
    private long lastExecutionTime;
    private long gracefulShutdownStartTime;
    private volatile long gracefulShutdownQuietPeriod;
    private volatile long gracefulShutdownTimeout;

    /**
     * A loop of {@code parent} on {@code factory}'s handler, whose background thread {@code executor} starts (one thread
     * per loop, for the loop's life).
     *
     * @param lingerNanos how long the lead must stay FREE, with no caller taking it, before the background thread leads
     */
    public CallerRunEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory, long lingerNanos) {
        super(parent);
        if (lingerNanos <= 0) {
            throw new IllegalArgumentException("invalid caller-run linger: " + lingerNanos + " ns; expected more than 0");
        }
        this.parent = parent;
        this.lingerNanos = lingerNanos;
        this.handler = factory.newHandler(this);
        executor.execute(this::runInBackground);
    }

    /** One caller's wait while another thread leads: its future, so that a leader knows whether it is still pending. */
    private static final class Follower {
        final CompletableFuture<?> future;

        Follower(CompletableFuture<?> future) {
            this.future = future;
        }
    }

    /**
     * On a thread that is not this loop's: makes {@code future} done by running this loop on this thread while the lead
     * is FREE — polling ({@code runNow}) for up to {@code spinNanos}, then blocking in the handler — or else follows.
     * Returns null when this thread led and the future is done, or {@code deadlineNanos} passed, or (interruptible)
     * the thread is interrupted: the caller reads the future as a plain future then. Returns a follower's mark when
     * another thread leads (or the loop shuts down): the caller waits on the future as a plain future does, and then
     * hands the mark to {@link #followed(Object)}. An interrupt is seen when the loop wakes next (the handler's wait
     * does not end on one).
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline, or 0 for none
     */
    public Object awaitDone(CompletableFuture<?> future, long spinNanos, long deadlineNanos, boolean interruptible) {
        Thread me = Thread.currentThread();
        // a virtual thread never leads: blocked in epoll_wait, a native call, it would pin its carrier (with as many
        // loops as carriers, every carrier; docs/query.md §1). It follows, and the background thread leads for it.
        boolean mayLead = !VirtualThreads.isVirtual(me);
        for (;;) {
            if (future.isDone()) {
                return null;
            }
            Thread leader = lead.get();
            if (leader == null && mayLead) {
                if (!isShuttingDown() && lead.compareAndSet(null, me)) {
                    if (leadUntilDone(future, spinNanos, deadlineNanos, interruptible)) {
                        return null;
                    }
                    // shutting down: the background thread finishes the loop; follow
                }
                if (!isShuttingDown()) {
                    continue;
                }
            } else if (leader == me) {
                throw new IllegalStateException("a wait on " + me.getName() + " while it runs this event loop");
            }
            Follower follower = new Follower(future);
            followers.add(follower);
            if (mayLead && leader != null && leader == background) {
                callerWants = true;
            }
            if (lead.get() == null && !isShuttingDown()) {
                if (mayLead) {
                    followers.remove(follower); // the leader left meanwhile: lead instead
                    continue;
                }
                driverNeeded = true; // nobody leads: the background thread does, for this follower
                LockSupport.unpark(background);
            }
            return follower;
        }
    }

    /** After a follower's wait (the mark {@link #awaitDone} returned; null: nothing to do). */
    public void followed(Object mark) {
        if (mark != null) {
            followers.remove(mark);
        }
    }

    /** Whether a follower's future is still pending (a leader leaving must leave a driver behind for it). */
    private boolean followerPending() {
        if (followers.isEmpty()) {
            return false;
        }
        for (Follower f : followers) {
            if (!f.future.isDone()) {
                return true;
            }
        }
        return false;
    }

    /** The leader: runs the loop until {@code future} is done (true) or the loop shuts down (false); then leaves. */
    private boolean leadUntilDone(CompletableFuture<?> future, long spinNanos, long deadlineNanos, boolean interruptible) {
        Thread me = Thread.currentThread();
        callerLeads = callerLeads + 1; // the leader's own counter
        EventExecutor old = ThreadExecutorMap.setCurrentExecutor(this);
        try {
            if (spinNanos > 0) {
                long spinEnd = System.nanoTime() + spinNanos;
                while (!future.isDone() && !isShuttingDown() && System.nanoTime() - spinEnd < 0) {
                    runOnce(nonBlocking);
                }
            }
            if (!future.isDone()) {
                future.whenComplete(wakeIfCompletedOutside); // only past the spin: a blocking wait is the rare path
            }
            while (!future.isDone()) {
                if (isShuttingDown()) {
                    return false;
                }
                long max = Long.MAX_VALUE;
                if (deadlineNanos != 0) {
                    max = deadlineNanos - System.nanoTime();
                    if (max <= 0) {
                        return true;
                    }
                }
                if (interruptible && me.isInterrupted()) {
                    return true;
                }
                blocking.maxBlockingNanos = max;
                runOnce(blocking);
            }
            return true;
        } finally {
            ThreadExecutorMap.setCurrentExecutor(old);
            leave();
        }
    }

    /** A leading caller's future completed: on another thread than the leader, the leader's handler is woken. */
    private void wakeIfCompletedOutside(Object result, Throwable error) {
        if (!inEventLoop()) {
            handler.wakeup();
        }
    }

    /**
     * The leader (a caller): sets the lead FREE; wakes the background thread to lead only if work cannot wait for its
     * linger (tasks, a follower's pending future, a shutdown), or to park again no longer than the next timer's deadline
     * when that comes before its park ends.
     */
    private void leave() {
        long timer = publishTimerDeadline();
        lead.set(null);
        if (!tasks.isEmpty() || followerPending() || isShuttingDown()) {
            driverNeeded = true;
            LockSupport.unpark(background);
        } else if (timer != -1 && timer - backgroundWakeAt < 0) {
            LockSupport.unpark(background);
        }
    }

    /** The leader, leaving: publishes the next timer's deadline for the background thread's park (-1: none). */
    private long publishTimerDeadline() {
        long deadline = nextScheduledTaskDeadlineNanos();
        timerDeadline = deadline;
        return deadline;
    }

    /** The background thread's life: leads while no caller does, lingers while callers lead, ends the loop at shutdown. */
    private void runInBackground() {
        Thread me = Thread.currentThread();
        background = me;
        try {
            for (;;) {
                if (lead.compareAndSet(null, me)) {
                    callerWants = false; // a follower's mark from before a caller led: not a wish for this lead (C32-10)
                    if (leadInBackground(me)) {
                        return;
                    }
                }
                lingerWhileCallersLead();
            }
        } catch (Throwable t) {
            endAfter(t, me);
        }
    }

    /**
     * The background thread, not leading: parks until it must lead — work that cannot wait (tasks, a follower, a
     * shutdown), a timer due, or a whole linger with the lead FREE and no caller having taken it.
     */
    private void lingerWhileCallersLead() {
        long seen = callerLeads;
        long seenAt = ticker().nanoTime();
        for (;;) {
            parkUntilLingerOrTimer();
            long now = ticker().nanoTime();
            if (lead.get() != null) {
                seen = callerLeads;
                seenAt = now;
                continue;
            }
            long timer = timerDeadline;
            if (driverNeeded || isShuttingDown() || !tasks.isEmpty() || followerPending() || (timer != -1 && timer - now <= 0)
                    || (callerLeads == seen && now - seenAt >= lingerNanos)) {
                driverNeeded = false;
                return;
            }
            if (callerLeads != seen) {
                seen = callerLeads;
                seenAt = now;
            }
        }
    }

    /**
     * Parks for the linger, or until the published timer's deadline when that is sooner and still ahead (a timer already
     * due was the leader's then: its leaving publishes the next). {@link #backgroundWakeAt} is written before the deadline
     * is read and {@link #leave} writes the deadline before it reads the wake time: one of the two sees the other's.
     */
    private void parkUntilLingerOrTimer() {
        long now = ticker().nanoTime();
        long wakeAt = now + lingerNanos;
        backgroundWakeAt = wakeAt;
        long timer = timerDeadline;
        if (timer != -1 && timer - now > 0 && timer - wakeAt < 0) {
            wakeAt = timer;
            backgroundWakeAt = wakeAt;
        }
        LockSupport.parkNanos(this, wakeAt - now);
        backgroundWakeAt = Long.MAX_VALUE;
    }

    /**
     * The background thread after a Throwable escaped its loop (REVIEW C32-5): logged; the loop ends as a shutdown
     * ends — the handler destroyed (its channels closed, their close tasks run), the lead set FREE, the termination
     * future failed — so that no follower waits on a lead held by a dead thread and no descriptor leaks.
     */
    private void endAfter(Throwable t, Thread me) {
        LOG.log(System.Logger.Level.ERROR, "caller-run event loop " + me.getName() + " failed; it shuts down", t);
        if (terminationFuture.isDone()) {
            return; // the shutdown's own destroy threw after it terminated the loop: nothing left to end (REVIEW R33b-4)
        }
        if (state.get() < SHUTDOWN) {
            state.set(SHUTDOWN); // tasks from outside refused from here on
        }
        Thread leader = lead.get();
        boolean mine = leader == me || (leader == null && lead.compareAndSet(null, me));
        if (mine) {
            EventExecutor old = ThreadExecutorMap.setCurrentExecutor(this);
            try {
                while (outsideAdds.get() != 0) {
                    Thread.onSpinWait(); // as the shutdown's last drain: every accepted task runs (C32-8)
                }
                cancelScheduledTasks();
                handler.prepareToDestroy();
                handler.destroy();
                while (runAllTasks() > 0) {
                    // the close tasks the destroy queued
                }
            } catch (Throwable again) {
                t.addSuppressed(again);
            } finally {
                ThreadExecutorMap.setCurrentExecutor(old);
            }
        }
        state.set(TERMINATED);
        if (mine) {
            lead.set(null); // a caller leading now keeps its lead: it sees the state and leaves
        }
        terminationFuture.tryFailure(t);
        for (Follower f : followers) {
            f.future.completeExceptionally(new IllegalStateException("the event loop " + me.getName() + " failed", t));
        }
    }

    /**
     * The background thread, leading: runs the loop, blocking in the handler, until a caller wants the lead (the loop
     * turn that woke the follower ran, and no follower's future is pending: false) or the loop terminated (true).
     */
    private boolean leadInBackground(Thread me) {
        EventExecutor old = ThreadExecutorMap.setCurrentExecutor(this);
        try {
            for (;;) {
                if (isShuttingDown()) {
                    if (shutdownStep()) {
                        return true;
                    }
                    continue;
                }
                blocking.maxBlockingNanos = Long.MAX_VALUE;
                runOnce(blocking);
                if (callerWants && tasks.isEmpty() && !followerPending() && !isShuttingDown()) {
                    callerWants = false;
                    publishTimerDeadline(); // a timer is the callers' to run while they lead, or this thread's when due
                    lead.set(null);
                    if (!(!tasks.isEmpty() || followerPending() || isShuttingDown()) || !lead.compareAndSet(null, me)) {
                        return false;
                    }
                }
            }
        } finally {
            ThreadExecutorMap.setCurrentExecutor(old);
        }
    }

    /** The leader: one turn of the loop — the handler (I/O), then the tasks and due timers queued. */
    private int runOnce(IoHandlerContext context) {
        if (!initialized) {
            initialized = true;
            handler.initialize();
        }
        return handler.run(context) + runAllTasks();
    }

    /** The leader: runs the queued tasks and the due timers. */
    private int runAllTasks() {
        fetchFromScheduledTaskQueue(tasks);
        Runnable task = tasks.poll();
        if (task == null) {
            return 0;
        }
        int ran = 0;
        do {
            safeExecute(task);
            ran++;
            task = tasks.poll();
        } while (task != null);
        lastExecutionTime = ticker().nanoTime();
        return ran;
    }

    /** The background thread at shutdown: one step of a graceful shutdown; true when the loop terminated. */
    private boolean shutdownStep() {
        runOnce(nonBlocking); // the quiet period still serves I/O: a close's last write, a channel's end (C32-9)
        handler.prepareToDestroy();
        if (!confirmShutdown()) {
            return false;
        }
        if (state.get() < SHUTDOWN) {
            state.set(SHUTDOWN); // from here on, a task from outside is refused, not left in the queue (C32-8)
        }
        while (outsideAdds.get() != 0) {
            Thread.onSpinWait(); // an add that saw the loop running: its task is in the queue when the count drops
        }
        while (runAllTasks() > 0) {
            // tasks queued before the refusal began
        }
        try {
            handler.destroy();
            while (runAllTasks() > 0) {
                // tasks the destroy queued
            }
        } finally {
            state.set(TERMINATED);
            lead.set(null);
            terminationFuture.setSuccess(null);
        }
        return true;
    }

    private boolean confirmShutdown() {
        cancelScheduledTasks();
        if (gracefulShutdownStartTime == 0) {
            gracefulShutdownStartTime = ticker().nanoTime();
        }
        if (runAllTasks() > 0) {
            return isShutdown() || gracefulShutdownQuietPeriod == 0;
        }
        long now = ticker().nanoTime();
        if (isShutdown() || now - gracefulShutdownStartTime > gracefulShutdownTimeout) {
            return true;
        }
        if (now - lastExecutionTime <= gracefulShutdownQuietPeriod) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10)); // the quiet period: tasks may still come
            return false;
        }
        return true;
    }

    /**
     * Any thread: queues {@code command}; wakes whoever drives the loop (the leader's handler, or the background thread
     * when FREE). From outside the loop a task is refused once the loop is shut down ({@link #shutdownStep} counts the
     * adds under way, so a task is either refused or run: REVIEW C32-8); the loop's own tasks are taken until it
     * terminates (the handler's destroy queues the channels' closes).
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        if (inEventLoop()) {
            if (isTerminated()) {
                throw new RejectedExecutionException("event executor terminated");
            }
            tasks.add(command);
            return;
        }
        outsideAdds.incrementAndGet();
        try {
            if (isShutdown()) {
                throw new RejectedExecutionException("event executor shut down");
            }
            tasks.add(command);
        } finally {
            outsideAdds.decrementAndGet();
        }
        wakeUp();
    }

    /** Not the leader: the leader's handler is woken; while FREE, the background thread (it leads at once: a task waits). */
    private void wakeUp() {
        Thread leader = lead.get();
        if (leader == null) {
            LockSupport.unpark(background);
        } else {
            handler.wakeup();
        }
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return lead.get() == thread;
    }

    /** Whether {@code thread} is this loop's background thread (tests, thread checks). */
    public boolean isBackgroundThread(Thread thread) {
        return background == thread;
    }

    /** Callers following now (tests). */
    int followersWaiting() {
        return followers.size();
    }

    /** The thread leading now, or null when FREE (tests). */
    Thread leader() {
        return lead.get();
    }

    @Override
    public CallerRunEventLoop next() {
        return this;
    }

    @Override
    public IoEventLoopGroup parent() {
        return parent;
    }

    @Override
    public Future<IoRegistration> register(IoHandle handle) {
        Promise<IoRegistration> promise = newPromise();
        if (inEventLoop()) {
            register0(handle, promise);
        } else {
            execute(() -> register0(handle, promise));
        }
        return promise;
    }

    private void register0(IoHandle handle, Promise<IoRegistration> promise) {
        IoRegistration registration;
        try {
            registration = handler.register(handle);
        } catch (Exception e) {
            promise.setFailure(e);
            return;
        }
        promise.setSuccess(registration);
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel) {
        return register(new DefaultChannelPromise(channel, this));
    }

    @Deprecated
    @Override
    public ChannelFuture register(ChannelPromise promise) {
        Objects.requireNonNull(promise, "promise");
        promise.channel().unsafe().register(this, promise);
        return promise;
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(promise, "promise");
        channel.unsafe().register(this, promise);
        return promise;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return handler.isCompatible(handleType);
    }

    @Override
    public boolean isIoType(Class<? extends IoHandler> handlerType) {
        return handler.getClass().equals(handlerType);
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        if (quietPeriod < 0 || timeout < quietPeriod) {
            throw new IllegalArgumentException("invalid shutdown: quiet period " + quietPeriod + ", timeout " + timeout
                    + "; expected 0 <= quiet period <= timeout");
        }
        shutdown0(unit.toNanos(quietPeriod), unit.toNanos(timeout), SHUTTING_DOWN);
        return terminationFuture;
    }

    @Deprecated
    @Override
    public void shutdown() {
        shutdown0(-1, -1, SHUTDOWN);
    }

    private void shutdown0(long quietPeriod, long timeout, int shutdownState) {
        for (;;) {
            int s = state.get();
            if (s >= shutdownState) {
                return;
            }
            if (state.compareAndSet(s, shutdownState)) {
                break;
            }
        }
        if (quietPeriod != -1) {
            gracefulShutdownQuietPeriod = quietPeriod;
        }
        if (timeout != -1) {
            gracefulShutdownTimeout = timeout;
        }
        handler.wakeup();
        LockSupport.unpark(background);
    }

    @Override
    public Future<?> terminationFuture() {
        return terminationFuture;
    }

    @Override
    public boolean isShuttingDown() {
        return state.get() >= SHUTTING_DOWN;
    }

    @Override
    public boolean isShutdown() {
        return state.get() >= SHUTDOWN;
    }

    @Override
    public boolean isTerminated() {
        return state.get() == TERMINATED;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminationFuture.await(timeout, unit);
    }

    /** What the handler asks of the loop it runs in: whether it may block, and until when (the next timer, a wait's deadline). */
    private final class Context implements IoHandlerContext {
        /** The longest the handler may block (-1: not at all); set by the leader before each turn. */
        long maxBlockingNanos;

        Context(long maxBlockingNanos) {
            this.maxBlockingNanos = maxBlockingNanos;
        }

        @Override
        public boolean canBlock() {
            // the state is read after the handler marked itself about to block: a shutdown's wake-up is never lost (C32-7)
            return maxBlockingNanos >= 0 && tasks.isEmpty() && !hasScheduledTasks() && !isShuttingDown();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            if (maxBlockingNanos < 0) {
                return 0;
            }
            return Math.min(Math.min(maxBlockingNanos, MAX_BLOCK_NANOS), CallerRunEventLoop.this.delayNanos(currentTimeNanos, MAX_BLOCK_NANOS));
        }

        @Override
        public long deadlineNanos() {
            if (maxBlockingNanos < 0) {
                return -1;
            }
            long next = nextScheduledTaskDeadlineNanos();
            if (maxBlockingNanos == Long.MAX_VALUE) {
                return next;
            }
            long max = ticker().nanoTime() + maxBlockingNanos;
            return next == -1 ? max : Math.min(next, max);
        }
    }
}
