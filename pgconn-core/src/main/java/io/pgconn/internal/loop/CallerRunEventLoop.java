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
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

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
 *
 * <p>Its parts: {@link Lead} (the lead, the followers, a follower's wish for the lead), {@link BackgroundLinger} (when
 * the background thread, not leading, takes the lead), {@link LoopShutdown} (the state, the graceful shutdown, the end
 * after a failure) and {@link HandlerContext} (what the handler may block for); this class runs the loop's turns, hands
 * the lead over and queues tasks.
 */
public final class CallerRunEventLoop extends AbstractScheduledEventExecutor implements IoEventLoop {

    /**
     * The longest the handler is told it may block without a timer or a deadline: Netty's NIO handler adds the delay to
     * the current time, and {@code Long.MAX_VALUE} overflowed into a negative timeout, a {@code selectNow} spin on an
     * idle loop (REVIEW C32-2); Netty's own loops bound it the same way (their scheduled-task purge interval).
     */
    static final long MAX_BLOCK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final IoEventLoopGroup parent;
    private final BackgroundLinger linger;
    private final IoHandler handler;
    private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue();
    private final Lead lead = new Lead();
    private final LoopShutdown shutdown;
    /** Work a leader must not leave undriven, the background thread must lead at once for: tasks, a follower, a shutdown. */
    private final BooleanSupplier driverWanted = this::driverWanted;
    /**
     * Completes a leading caller's wait when another thread completes its future ({@code orTimeout}, a cancel, a stage of
     * another future): the handler, blocked in {@code epoll_wait}, is woken, or the caller would wait for the next I/O
     * (REVIEW C32-1). Captures nothing: one object for the loop's life.
     */
    private final BiConsumer<Object, Throwable> wakeIfCompletedOutside = this::wakeIfCompletedOutside;

    private final HandlerContext nonBlocking = new HandlerContext(this, -1);
    private final HandlerContext blocking = new HandlerContext(this, Long.MAX_VALUE);

    /* the leader's own state: passed with the lead */
    private boolean initialized;
    private long lastExecutionTime;

    /**
     * A loop of {@code parent} on {@code factory}'s handler, whose background thread {@code executor} starts (one thread
     * per loop, for the loop's life).
     *
     * @param lingerNanos how long the lead must stay FREE, with no caller taking it, before the background thread leads
     */
    public CallerRunEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory, long lingerNanos) {
        super(parent);
        this.linger = new BackgroundLinger(lingerNanos, ticker());
        this.parent = parent;
        this.handler = factory.newHandler(this);
        this.shutdown = new LoopShutdown(this, handler, lead);
        executor.execute(this::runInBackground);
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
            Thread leader = lead.holder();
            if (leader == null && mayLead) {
                if (!isShuttingDown() && lead.take(me)) {
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
            Object follower = lead.follow(future);
            if (mayLead && leader != null && leader == linger.thread()) {
                lead.callerWants();
            }
            if (lead.holder() == null && !isShuttingDown()) {
                if (mayLead) {
                    lead.unfollow(follower); // the leader left meanwhile: lead instead
                    continue;
                }
                linger.driverNeeded(); // nobody leads: the background thread does, for this follower
            }
            return follower;
        }
    }

    /** After a follower's wait (the mark {@link #awaitDone} returned; null: nothing to do). */
    public void followed(Object mark) {
        lead.unfollow(mark);
    }

    /** The leader: runs the loop until {@code future} is done (true) or the loop shuts down (false); then leaves. */
    private boolean leadUntilDone(CompletableFuture<?> future, long spinNanos, long deadlineNanos, boolean interruptible) {
        Thread me = Thread.currentThread();
        linger.callerLed();
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
        long timer = linger.publishTimer(nextScheduledTaskDeadlineNanos());
        lead.free();
        if (driverWanted()) {
            linger.driverNeeded();
        } else {
            linger.wakeIfTimerSooner(timer);
        }
    }

    /** Whether work waits that needs a driver now: tasks queued, a follower's future pending, a shutdown. */
    private boolean driverWanted() {
        return !tasks.isEmpty() || lead.followerPending() || isShuttingDown();
    }

    /** The background thread's life: leads while no caller does, lingers while callers lead, ends the loop at shutdown. */
    private void runInBackground() {
        Thread me = Thread.currentThread();
        linger.started(me);
        try {
            for (;;) {
                if (lead.take(me)) {
                    lead.clearWanted(); // a follower's mark from before a caller led: not a wish for this lead (C32-10)
                    if (leadInBackground(me)) {
                        return;
                    }
                }
                linger.lingerWhileCallersLead(lead, driverWanted);
            }
        } catch (Throwable t) {
            shutdown.endAfter(t, me);
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
                    if (shutdown.step()) {
                        return true;
                    }
                    continue;
                }
                blocking.maxBlockingNanos = Long.MAX_VALUE;
                runOnce(blocking);
                if (lead.isWanted() && !driverWanted()) {
                    lead.clearWanted();
                    linger.publishTimer(nextScheduledTaskDeadlineNanos()); // a timer is the callers' to run while they lead, or this thread's when due
                    lead.free();
                    if (!driverWanted() || !lead.take(me)) {
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

    /** The leader (the background thread, shutting down): one turn that does not block. */
    void runNonBlocking() {
        runOnce(nonBlocking);
    }

    /** The leader: runs the queued tasks and the due timers. */
    int runAllTasks() {
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

    /** When the leader last ran a task ({@link #ticker()} time; the shutdown's quiet period). */
    long lastExecutionTime() {
        return lastExecutionTime;
    }

    /** The leader, ending the loop: every timer cancelled. */
    void cancelTimers() {
        cancelScheduledTasks();
    }

    /** The handler's "may I block": no task, no timer queued, no shutdown. */
    boolean nothingToRun() {
        return tasks.isEmpty() && !hasScheduledTasks() && !isShuttingDown();
    }

    /** The delay until the next timer, from {@code currentTimeNanos}, at most {@link #MAX_BLOCK_NANOS}. */
    long timerDelayNanos(long currentTimeNanos) {
        return delayNanos(currentTimeNanos, MAX_BLOCK_NANOS);
    }

    /** The next timer's deadline ({@link #ticker()} time), -1 for none. */
    long nextTimerDeadlineNanos() {
        return nextScheduledTaskDeadlineNanos();
    }

    /**
     * Any thread: queues {@code command}; wakes whoever drives the loop (the leader's handler, or the background thread
     * when FREE). From outside the loop a task is refused once the loop is shut down (the shutdown counts the adds under
     * way, so a task is either refused or run: REVIEW C32-8); the loop's own tasks are taken until it terminates (the
     * handler's destroy queues the channels' closes).
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
        shutdown.addFromOutside(tasks, command);
        wakeUp();
    }

    /** Not the leader: the leader's handler is woken; while FREE, the background thread (it leads at once: a task waits). */
    private void wakeUp() {
        Thread leader = lead.holder();
        if (leader == null) {
            linger.wake();
        } else {
            handler.wakeup();
        }
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return lead.holder() == thread;
    }

    /** Whether {@code thread} is this loop's background thread (tests, thread checks). */
    public boolean isBackgroundThread(Thread thread) {
        return linger.thread() == thread;
    }

    /** Callers following now (tests). */
    int followersWaiting() {
        return lead.followersWaiting();
    }

    /** The thread leading now, or null when FREE (tests). */
    Thread leader() {
        return lead.holder();
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
        if (shutdown.beginGracefully(unit.toNanos(quietPeriod), unit.toNanos(timeout))) {
            wakeForShutdown();
        }
        return shutdown.terminationFuture();
    }

    @Deprecated
    @Override
    public void shutdown() {
        if (shutdown.beginNow()) {
            wakeForShutdown();
        }
    }

    /** A shutdown began: the leader's handler and the background thread are woken (the background thread finishes it). */
    private void wakeForShutdown() {
        handler.wakeup();
        linger.wake();
    }

    @Override
    public Future<?> terminationFuture() {
        return shutdown.terminationFuture();
    }

    @Override
    public boolean isShuttingDown() {
        return shutdown.isShuttingDown();
    }

    @Override
    public boolean isShutdown() {
        return shutdown.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return shutdown.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return shutdown.terminationFuture().await(timeout, unit);
    }
}
