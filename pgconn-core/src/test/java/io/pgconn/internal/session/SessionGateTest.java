package io.pgconn.internal.session;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session gate: a caller takes the close only while nothing is submitted, queued or in flight; a caller owns the
 * session (a statement started on its thread) only while, in addition, the loop is outside the session's code; and
 * the loop's doors defer their work while a caller owns it, and the owner's release runs it, in order.
 */
class SessionGateTest {

    /** The event loop doors run on where the test needs one (for its own thread, or the release's queued work). */
    private static final EventLoop LOOP = new DefaultEventLoop();

    @AfterAll
    static void stopLoop() {
        LOOP.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private final SessionGate gate = new SessionGate();

    @Test
    void aCallerTakesTheCloseOfAnIdleSessionAndNothingStartsAfter() {
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.closedByCaller()).isTrue();
        assertThat(gate.submitting()).as("a submit after the caller's close fails as closed").isFalse();
        assertThat(gate.closeIfIdle()).isFalse();
    }

    @Test
    void aSubmitNotYetQueuedKeepsTheCloseOnTheLoop() {
        assertThat(gate.submitting()).isTrue();
        assertThat(gate.closeIfIdle()).as("submitted, its task not run yet").isFalse();
        gate.queued();
        assertThat(gate.closeIfIdle()).as("queued: the loop has work").isFalse();
        gate.quiet();
        assertThat(gate.closeIfIdle()).as("answered and nothing left").isTrue();
    }

    @Test
    void theLoopHoldsOneCountHoweverMuchItHasAndSubmitsInFlightStillCount() {
        gate.submitting();
        gate.queued();
        gate.submitting();
        gate.queued();
        gate.submitting(); // a third, its task not run yet
        gate.quiet(); // the loop found itself quiet meanwhile (the third not queued yet)
        assertThat(gate.closeIfIdle()).isFalse();
        gate.queued();
        assertThat(gate.closeIfIdle()).isFalse();
        gate.quiet();
        gate.quiet(); // twice: the second changes nothing
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.closedByCaller()).isTrue();
    }

    @Test
    void aLoopCloseIsNotACallersClose() {
        assertThat(gate.closedByCaller()).isFalse();
        gate.submitting();
        assertThat(gate.closeIfIdle()).isFalse();
        assertThat(gate.closedByCaller()).isFalse();
    }

    @Test
    void aCallerOwnsOnlyAnIdleSessionWhoseLoopIsOutsideTheSessionsCode() {
        gate.submitting();
        assertThat(gate.own(0)).as("a submit not yet queued").isFalse();
        assertThat(gate.tryEnter()).isTrue();
        gate.queued();
        assertThat(gate.own(0)).as("the loop has work").isFalse();
        gate.quiet(); // inside the answer's read, before the completion
        assertThat(gate.state()).isEqualTo(SessionGate.INSIDE);
        assertThat(gate.own(1_000)).as("the loop is still in the session's code after its count went").isFalse();
        gate.exit();
        assertThat(gate.state()).isZero();
        assertThat(gate.own(0)).isTrue();
        assertThat(gate.state()).isEqualTo(SessionGate.OWNED);
        assertThat(gate.own(0)).as("one owner at a time").isFalse();
        assertThat(gate.closeIfIdle()).as("owned: the close goes the loop's way").isFalse();
    }

    @Test
    void aCallerWaitingForTheLoopToLeaveItsDoorRunsItsPauseBetweenLooksAndOwnsOnceTheLoopLeft() {
        gate.submitting();
        assertThat(gate.tryEnter()).isTrue();
        gate.queued();
        gate.quiet(); // inside the answer's read, its count gone: what a caller woken by the completion finds
        int[] pauses = {0};
        boolean owned = gate.own(TimeUnit.SECONDS.toNanos(30), () -> {
            if (++pauses[0] == 3) {
                gate.exit(); // the loop leaves the completion in the third pause: the CPU the pause offered it
            }
        });
        assertThat(owned).isTrue();
        assertThat(pauses[0]).as("the wait runs the caller's pause between its looks, and only until the loop left").isEqualTo(3);
        assertThat(gate.state()).isEqualTo(SessionGate.OWNED);
    }

    @Test
    void aCallersCloseNeedsOnlyNothingToAnswerEvenWithTheLoopStillInside() {
        gate.submitting();
        assertThat(gate.tryEnter()).isTrue();
        gate.queued();
        gate.quiet();
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.own(0)).as("closed: nobody owns it any more").isFalse();
        assertThat(gate.submitting()).isFalse();
        gate.exit();
        assertThat(gate.state()).isEqualTo(SessionGate.CLOSED);
    }

    @Test
    void nothingIsOwnedAfterTheCallersClose() {
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.own(0)).isFalse();
        assertThat(gate.tryEnter()).isTrue(); // the loop's close event after the caller's close: no owner can come, nothing to wait for
        gate.exit();
        assertThat(gate.closedByCaller()).isTrue();
    }

    @Test
    void theOwnerReleasesIntoTheLoopsWorkAndSubmitsCountedMeanwhileStay() {
        assertThat(gate.own(0)).isTrue();
        assertThat(gate.submitting()).as("another thread's submit counts itself in while the session is owned").isTrue();
        gate.startedByOwner();
        gate.releaseOwned(true, LOOP);
        assertThat(gate.state()).isEqualTo(SessionGate.LOOP | 1);
        assertThat(gate.tryEnter()).isTrue();
        gate.queued(); // the other submit, queued behind the owner's request
        gate.quiet();
        gate.exit();
        assertThat(gate.state()).isZero();
        assertThat(gate.ownedStarts()).isEqualTo(1);
    }

    @Test
    void anOwnerWhoseRequestStayedNowhereGivesTheSessionBackIdle() {
        assertThat(gate.own(0)).isTrue();
        gate.releaseOwned(false, LOOP);
        assertThat(gate.state()).isZero();
        assertThat(gate.ownedStarts()).as("given back without a start").isZero();
        assertThat(gate.closeIfIdle()).isTrue();
    }

    @Test
    void aSubmitQueuedInsideADoorTakesTheLoopsCountAndLeavesNoMarkForTheExit() {
        gate.submitting();
        assertThat(gate.tryEnter()).isTrue(); // the answer's read
        gate.queued();
        gate.quiet(); // answered, before the completion
        assertThat(gate.state()).isEqualTo(SessionGate.INSIDE);
        assertThat(gate.queuedInside()).as("the completion's next statement").isTrue();
        assertThat(gate.state()).as("one update: the loop's count, the mark gone with it").isEqualTo(SessionGate.LOOP);
        assertThat(gate.closeIfIdle()).as("the loop has work").isFalse();
        assertThat(gate.own(0)).isFalse();
        assertThat(gate.queuedInside()).as("another one: the loop's count covers it").isTrue();
        assertThat(gate.state()).isEqualTo(SessionGate.LOOP);
        gate.exit();
        assertThat(gate.state()).isEqualTo(SessionGate.LOOP);
        assertThat(gate.tryEnter()).isTrue();
        gate.quiet(); // both answered
        gate.exit();
        assertThat(gate.state()).isZero();
        assertThat(gate.closeIfIdle()).isTrue();
    }

    @Test
    void aSubmitInsideADoorAfterTheCallersCloseFailsAsClosed() {
        gate.submitting();
        assertThat(gate.tryEnter()).isTrue();
        gate.queued();
        gate.quiet(); // answered: the woken caller closes while the loop is still in the completion
        assertThat(gate.closeIfIdle()).isTrue();
        assertThat(gate.queuedInside()).as("a statement chained on that completion").isFalse();
        gate.exit();
        assertThat(gate.state()).isEqualTo(SessionGate.CLOSED);
    }

    @Test
    void aQuietOutsideEveryDoorLeavesNoMarkAndNestedDoorsClearItOnce() {
        gate.submitting();
        assertThat(gate.tryEnter()).isTrue();
        assertThat(gate.tryEnter()).isTrue(); // nested: a callback's own door
        gate.queued();
        gate.quiet();
        gate.exit();
        assertThat(gate.state()).as("still inside the outer door").isEqualTo(SessionGate.INSIDE);
        assertThat(gate.loopInside()).isTrue();
        gate.exit();
        assertThat(gate.state()).isZero();
        assertThat(gate.loopInside()).isFalse();
    }

    /**
     * REVIEW-18-START M3: a door entered while a caller owns the session does not wait for it — it says no at once, its
     * work is deferred, the loop goes on with other work (another connection's), and the owner's release queues the
     * deferred work, which runs in order, inside a door, before anyone may own or close the session again.
     */
    @Test
    void aDoorDefersItsWorkWhileACallerOwnsTheSessionAndTheReleaseRunsItInOrder() throws Exception {
        assertThat(gate.own(0)).isTrue();
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> entered = new CompletableFuture<>();
        LOOP.execute(() -> {
            // an answer's read, a task: the owner has not given the session back
            boolean first = gate.enterOrDefer(() -> ran.add("read, inside: " + gate.loopInside()), LOOP);
            // behind deferred work: deferred too, without a spin
            boolean second = gate.enterOrDefer(() -> ran.add("task"), LOOP);
            entered.complete(first || second);
        });
        assertThat(entered.get(10, TimeUnit.SECONDS)).as("a door while the session is owned").isFalse();
        assertThat(LOOP.submit(() -> "another connection's work").get(10, TimeUnit.SECONDS))
                .as("the loop is not held by the owner").isEqualTo("another connection's work");
        assertThat(gate.state()).isEqualTo(SessionGate.OWNED | SessionGate.WAITING);
        assertThat(gate.submitting()).as("a submit counts itself in meanwhile").isTrue();
        assertThat(ran).as("nothing deferred runs before the release").isEmpty();

        gate.releaseOwned(true, LOOP);
        assertThat(gate.own(0)).as("no owner before the deferred work ran").isFalse();
        assertThat(gate.closeIfIdle()).as("nor a caller's close").isFalse();
        assertThat(LOOP.submit(() -> List.copyOf(ran)).get(10, TimeUnit.SECONDS)).as("after the release, in order")
                .containsExactly("read, inside: true", "task");
        assertThat(gate.state()).isEqualTo(SessionGate.LOOP | 1);
    }

    /** A door written as the session's doors are: {@link SessionGate#enterOrDefer} naming itself, its work, the exit. */
    private final class ReadDoor {
        final List<String> ran = new CopyOnWriteArrayList<>();

        void read(String message) {
            if (!gate.enterOrDefer(ReadDoor::read, this, message, LOOP)) {
                ran.add("deferred: " + message);
                return;
            }
            try {
                ran.add(message + ", inside: " + gate.loopInside());
            } finally {
                gate.exit();
            }
        }
    }

    @Test
    void aDoorEnteredAtOnceDoesItsWorkInsideAndDefersNothing() throws Exception {
        ReadDoor door = new ReadDoor();
        LOOP.submit(() -> door.read("a DataRow")).get(10, TimeUnit.SECONDS);
        assertThat(door.ran).containsExactly("a DataRow, inside: true");
        assertThat(gate.state()).as("left after its work").isZero();
        assertThat(LOOP.submit(gate::loopInside).get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(gate.own(0)).as("nothing deferred keeps an owner out").isTrue();
    }

    /**
     * {@link SessionGate#enterOrDefer} while a caller owns the session: each door returns at once, and after the release
     * each is called again with its own argument, in the order the doors were entered (a task among them), and enters
     * then, inside the deferred work's door.
     */
    @Test
    void aDoorDeferredWhileOwnedIsCalledAgainWithItsOwnArgumentInOrderAfterTheRelease() throws Exception {
        ReadDoor door = new ReadDoor();
        assertThat(gate.own(0)).isTrue();
        LOOP.submit(() -> {
            door.read("first");
            gate.enterOrDefer(() -> door.ran.add("task, inside: " + gate.loopInside()), LOOP);
            door.read("second");
        }).get(10, TimeUnit.SECONDS);
        assertThat(door.ran).as("nothing ran before the release").containsExactly("deferred: first", "deferred: second");
        assertThat(gate.state()).isEqualTo(SessionGate.OWNED | SessionGate.WAITING);

        gate.releaseOwned(true, LOOP);
        assertThat(LOOP.submit(() -> List.copyOf(door.ran)).get(10, TimeUnit.SECONDS)).containsExactly(
                "deferred: first", "deferred: second", "first, inside: true", "task, inside: true", "second, inside: true");
        assertThat(LOOP.submit(gate::loopInside).get(10, TimeUnit.SECONDS)).as("left after the deferred work").isFalse();
        assertThat(gate.state()).isEqualTo(SessionGate.LOOP);
    }

    @Test
    void anOwnerThatNeverGivesTheSessionBackHoldsUpOnlyItsOwnDoors() throws Exception {
        assertThat(gate.own(0)).isTrue();
        CompletableFuture<Boolean> entered = new CompletableFuture<>();
        LOOP.execute(() -> {
            entered.complete(gate.enterOrDefer(() -> { }, LOOP));
        });
        assertThat(entered.get(10, TimeUnit.SECONDS)).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(LOOP.submit(() -> gate.tryEnter()).get(10, TimeUnit.SECONDS)).as("still deferred").isFalse();
        }
        assertThat(gate.state()).isEqualTo(SessionGate.OWNED | SessionGate.WAITING);
    }
}
