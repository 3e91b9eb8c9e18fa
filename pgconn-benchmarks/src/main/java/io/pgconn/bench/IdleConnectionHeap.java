package io.pgconn.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** Heap retained per idle connection: used heap after full GCs, before and with N connections open. */
final class IdleConnectionHeap {

    private final Client client;
    private final Client.Source source;
    /** Connects in flight while opening the idle connections. */
    private final int inFlight;

    IdleConnectionHeap(Client client, Client.Source source, int inFlight) {
        this.client = client;
        this.source = source;
        this.inFlight = inFlight;
    }

    Result measure(int connections) throws InterruptedException {
        client.close(source.connect().join()).join(); // classes loaded, event loops started
        long before = usedHeapAfterGc();
        List<Object> open = openIdle(connections);
        long after = usedHeapAfterGc();
        for (Object c : open) {
            client.close(c).join();
        }
        return Result.ofValue(client.name(), Scenario.HEAP_PER_IDLE, open.size(), (after - before) / (double) open.size());
    }

    private List<Object> openIdle(int count) throws InterruptedException {
        List<Object> open = Collections.synchronizedList(new ArrayList<>());
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<Object>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            CompletableFuture<Object> f = source.connect();
            f.whenComplete((c, e) -> {
                if (c != null) {
                    open.add(c);
                }
                slots.release();
            });
            all.add(f);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return new ArrayList<>(open);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
