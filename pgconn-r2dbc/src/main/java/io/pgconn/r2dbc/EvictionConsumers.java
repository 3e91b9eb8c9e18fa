package io.pgconn.r2dbc;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The consumers a pool tells the reason of each eviction ({@link PgConnPools.Builder#evicted},
 * {@link PgConnPoolEviction}), each told on its own: one that throws neither keeps the later ones from being told nor
 * the evicted session from being closed — with {@code andThen} it did both, the exception leaving r2dbc-pool's destroy
 * handler before its {@code close()} (session 31). A consumer's first failure is logged at WARNING, once: an eviction
 * storm after a failover would repeat it per session. The log names the pool, which consumer, the reason it was told,
 * the exception's class and where it was thrown, not the exception's message — an application's text, which may carry
 * what a log must not (docs/r2dbc.md §4).
 */
final class EvictionConsumers implements Consumer<String> {

    private static final System.Logger LOG = System.getLogger(EvictionConsumers.class.getName());

    private final String pool;
    private final List<Consumer<String>> consumers;
    /** The consumers whose failure was logged already. */
    private final CopyOnWriteArrayList<Consumer<String>> failed = new CopyOnWriteArrayList<>();

    private EvictionConsumers(String pool, List<Consumer<String>> consumers) {
        this.pool = pool;
        this.consumers = List.copyOf(consumers);
    }

    /** {@code consumers}, each told in their order, of the pool named {@code pool} (null: unnamed). */
    static EvictionConsumers of(String pool, List<Consumer<String>> consumers) {
        return new EvictionConsumers(pool, consumers);
    }

    /** {@code consumer} guarded as above; itself when it is guarded already. */
    static EvictionConsumers guarding(Consumer<String> consumer) {
        Objects.requireNonNull(consumer, "evicted");
        return consumer instanceof EvictionConsumers guarded ? guarded : new EvictionConsumers(null, List.of(consumer));
    }

    @Override
    public void accept(String reason) {
        for (int i = 0; i < consumers.size(); i++) {
            Consumer<String> consumer = consumers.get(i);
            try {
                consumer.accept(reason);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (RuntimeException | Error failure) {
                if (failed.addIfAbsent(consumer)) { // one check and add: two evictions failing at once log it once (R32-3)
                    LOG.log(System.Logger.Level.WARNING, "eviction consumer " + (i + 1) + " of " + consumers.size()
                            + (pool == null ? "" : " of pool " + pool) + " threw " + failure.getClass().getName()
                            + thrownAt(failure) + " when told the eviction reason '" + reason + "'; the other consumers"
                            + " were told and the session closed; later failures of this consumer are not logged");
                }
            }
        }
    }

    private static String thrownAt(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length == 0 ? "" : " at " + frames[0];
    }
}
