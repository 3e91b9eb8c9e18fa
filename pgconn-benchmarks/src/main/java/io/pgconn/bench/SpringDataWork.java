package io.pgconn.bench;

import java.util.concurrent.CompletableFuture;

/**
 * The work of the Spring Data scenarios, through a {@link BenchEntityRepository} on an r2dbc-pool:
 * {@link #findById} of a random one of the {@value #ROWS} rows filled at start, and {@link #save} of
 * a new entity (an INSERT returning the generated id).
 */
interface SpringDataWork {

    String TABLE = "bench_entity";
    int ROWS = 10_000;
    /** Requests in flight in both scenarios, and the pool's initial and maximum size. */
    int CONCURRENT = 16;

    /** Finds the entity with this id; completes exceptionally when it is missing. */
    CompletableFuture<BenchEntity> findById(long id);

    /** Saves a new entity (id generated); answers it with its id. */
    CompletableFuture<BenchEntity> save(BenchEntity entity);
}
