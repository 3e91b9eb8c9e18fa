package io.pgconn.testing;

import io.pgconn.Notification;
import io.pgconn.NotificationListener;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A notification listener that keeps what it receives and whether it was completed, for tests to await. */
public final class RecordingListener implements NotificationListener {

    private final BlockingQueue<Notification> received = new LinkedBlockingQueue<>();
    private final CountDownLatch completed = new CountDownLatch(1);

    @Override
    public void onNotification(Notification notification) {
        received.add(notification);
    }

    @Override
    public void onComplete(Throwable cause) {
        completed.countDown();
    }

    /** The next notification, failing the test if none arrives within {@link Connect#LIMIT}. */
    public Notification next() throws InterruptedException {
        Notification next = received.poll(Connect.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("no notification within " + Connect.LIMIT);
        }
        return next;
    }

    /** Waits for {@link #onComplete}, failing the test after {@link Connect#LIMIT}. */
    public void awaitCompleted() throws InterruptedException {
        if (!completed.await(Connect.LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("listener not completed within " + Connect.LIMIT);
        }
    }

    public boolean isCompleted() {
        return completed.getCount() == 0;
    }

    /** Notifications received and not yet taken by {@link #next()}. */
    public int pending() {
        return received.size();
    }
}
