package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgConnection;
import io.pgconn.PrimaryTimeline;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.spi.HostObservations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * While two or more hosts answer as primary under {@code read-write}/{@code primary} — a split brain — reads each one's
 * WAL timeline on its monitor's probe session ({@link PrimaryTimeline}) and tells the application factory's host memory
 * ({@link HostObservations#primaryTimeline}): core makes the one on the higher timeline, the promoted standby, its sticky
 * primary even when nothing found the old one down (closing-note-28 F8: a freeze shorter than the monitor's close left
 * the old primary sticky, and the pool on it), and the health's {@code activeHost} follows at once
 * ({@link HostViews#stickyPrimaryMayHaveMoved}). One statement per such host per round, and only while the views show
 * two: no probe and no connect of the application pays for it.
 *
 * <p>A round's reads start as soon as two hosts probed in it answer as primary ({@link Round#probeEnded}), each host's
 * read as its probe ends — not once every probe of the round has ended: a frozen third host's probe holds the round for
 * its timeout, and the split brain's newer primary waited for it (closing-note-30). Each read is bounded by the statement's
 * own timeout (the probe timeout): one that passes cancels that statement on the server, never anything the session runs
 * later, so the next probe on the session is not cancelled instead ({@code PgConnection.cancel()} hits whatever runs
 * when it arrives). A read that fails (the functions' {@code EXECUTE} revoked, the session gone, the timeout) decides
 * nothing and is logged at DEBUG.
 */
final class SplitBrainTimelines {

    private static final Log logger = LogFactory.getLog(SplitBrainTimelines.class);

    /** The application factory's host memory ({@code PgConnectionFactory.hostObservations(lookup)}, {@link HealthHostWatcher}). */
    private final HostObservations applicationMemory;

    private final TargetSessionAttrs target;

    private final Duration timeout;

    private final HostViews views;

    SplitBrainTimelines(HostObservations applicationMemory, TargetSessionAttrs target, Duration timeout, HostViews views) {
        this.applicationMemory = applicationMemory;
        this.target = target;
        this.timeout = timeout;
        this.views = views;
    }

    /** A new probe round over {@code monitors}, in the same (configuration) order as the views' hosts. */
    Round round(List<HostMonitor> monitors) {
        return new Round(monitors);
    }

    /** One probe round's timeline reads. Thread-safe: probes end on their sessions' event loops. */
    final class Round {

        private final List<HostMonitor> monitors;

        /** The hosts (by index) whose probe of this round ended. */
        private final Set<Integer> probed = new HashSet<>();

        /** The hosts (by index) whose timeline this round reads. */
        private final Set<Integer> reading = new HashSet<>();

        private final List<CompletableFuture<Void>> reads = new ArrayList<>();

        private final Map<String, Long> timelines = new ConcurrentHashMap<>();

        private int pending;

        private Round(List<HostMonitor> monitors) {
            this.monitors = monitors;
        }

        /**
         * The probe of host {@code index} ended, leaving the views at {@code snapshot}: once two hosts probed in this
         * round answer as primary, reads the timeline of each that does and is not read yet.
         */
        void probeEnded(int index, HostViews.Snapshot snapshot) {
            if (!SplitBrainTimelines.this.target.sticksToLastHost()) {
                return;
            }
            List<Integer> toRead = new ArrayList<>();
            synchronized (this) {
                this.probed.add(index);
                List<Integer> primaries = new ArrayList<>();
                for (int i : this.probed) {
                    if (i < snapshot.hosts().size() && isPrimary(snapshot.hosts().get(i))) {
                        primaries.add(i);
                    }
                }
                if (primaries.size() < 2) {
                    return;
                }
                for (int i : primaries) {
                    if (this.reading.add(i)) {
                        toRead.add(i);
                    }
                }
                this.pending += toRead.size();
            }
            for (int i : toRead) {
                CompletableFuture<Void> read = read(this.monitors.get(i)).thenRun(this::readEnded);
                synchronized (this) {
                    this.reads.add(read);
                }
            }
        }

        /** Completes when every read this round started has ended, and the views followed what core made of them. */
        CompletableFuture<Void> ended() {
            synchronized (this) {
                return CompletableFuture.allOf(this.reads.toArray(CompletableFuture<?>[]::new));
            }
        }

        private boolean isPrimary(HostView view) {
            return view.isUp() && SplitBrainTimelines.this.target.accepts(view.role(), false);
        }

        /** Once no read of the round is running, the views follow what core made of the timelines read so far. */
        private void readEnded() {
            Map<String, Long> read;
            synchronized (this) {
                if (--this.pending > 0) {
                    return;
                }
                read = Map.copyOf(this.timelines);
            }
            SplitBrainTimelines.this.views.stickyPrimaryMayHaveMoved(read);
        }

        private CompletableFuture<Void> read(HostMonitor monitor) {
            PgConnection session = monitor.openSession();
            if (session == null) {
                return CompletableFuture.completedFuture(null);
            }
            // composed, so that a session that throws instead of failing its future fails this read too
            return CompletableFuture.completedFuture(session)
                    .thenCompose(asked -> PrimaryTimeline.read(asked, SplitBrainTimelines.this.timeout))
                    .handle((timeline, failure) -> {
                        if (failure != null) {
                            logger.debug("pgconn health: could not read the timeline of " + monitor.host().label() + ": "
                                    + failure.getMessage());
                        } else if (timeline.isPresent()) {
                            this.timelines.put(monitor.host().label(), timeline.getAsLong());
                            SplitBrainTimelines.this.applicationMemory.primaryTimeline(monitor.host(), timeline.getAsLong());
                        }
                        return null;
                    });
        }
    }
}
