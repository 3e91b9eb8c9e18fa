package io.pgconn.internal.loop;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lead of a {@link CallerRunEventLoop} (docs/query.md §1): the one thread that may run its handler, tasks and
 * timers now, passed by compare-and-set from FREE (null), so the leader's state passes with it (happens-before); the
 * callers following while another thread leads, each with its future, so that a leader knows whether one is still
 * pending; and a follower's wish for the lead while the background thread holds it.
 */
final class Lead {

    /** The thread that may run the handler, the tasks and the timers now; null: FREE. */
    private final AtomicReference<Thread> holder = new AtomicReference<>();
    /** Callers waiting for a future while another thread leads (identity: one entry per wait). */
    private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
    /** A caller followed while the background thread led: it gives the lead up after its loop turn. */
    private volatile boolean callerWants;

    /** One caller's wait while another thread leads: its future, so that a leader knows whether it is still pending. */
    private static final class Follower {
        final CompletableFuture<?> future;

        Follower(CompletableFuture<?> future) {
            this.future = future;
        }
    }

    /** The thread leading now, or null when FREE. */
    Thread holder() {
        return holder.get();
    }

    /** Takes the lead for {@code thread} if it is FREE. */
    boolean take(Thread thread) {
        return holder.compareAndSet(null, thread);
    }

    /** The leader: sets the lead FREE (a plain volatile write: no system call, no wake-up). */
    void free() {
        holder.set(null);
    }

    /** A caller starts waiting for {@code future} while another thread leads; the returned mark ends it ({@link #unfollow}). */
    Object follow(CompletableFuture<?> future) {
        Follower follower = new Follower(future);
        followers.add(follower);
        return follower;
    }

    /** After a follower's wait (the mark {@link #follow} returned; null: nothing to do). */
    void unfollow(Object mark) {
        if (mark != null) {
            followers.remove(mark);
        }
    }

    /** Whether a follower's future is still pending (a leader leaving must leave a driver behind for it). */
    boolean followerPending() {
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

    /** Callers following now. */
    int followersWaiting() {
        return followers.size();
    }

    /** The loop failed: every follower's wait ends with {@code error}. */
    void failFollowers(String message, Throwable cause) {
        for (Follower f : followers) {
            f.future.completeExceptionally(new IllegalStateException(message, cause));
        }
    }

    /** A caller followed the background thread: it wants the lead. */
    void callerWants() {
        callerWants = true;
    }

    /** Whether a caller wants the lead from the background thread. */
    boolean isWanted() {
        return callerWants;
    }

    /** The background thread takes or gives the lead: any earlier wish was for another lead (C32-10) or is served. */
    void clearWanted() {
        callerWants = false;
    }
}
