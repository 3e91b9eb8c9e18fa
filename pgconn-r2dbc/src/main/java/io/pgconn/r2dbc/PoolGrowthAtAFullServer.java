package io.pgconn.r2dbc;

import reactor.pool.AllocationStrategy;

/**
 * reactor-pool's size-based allocation, held while {@link PgConnPoolCreateRetry#holdsGrowth}: the server has no free
 * slot (53300) and one of the pool's connects waits for it, so the pool grants no other connect and an acquire that
 * found no idle connection stays pending, to be given the next one a borrower releases (NEW-USER-19 F12: each such
 * acquire was tied to a connect of its own that waited for a slot, and failed at its deadline while the pool's open
 * sessions served hundreds of requests a second).
 */
final class PoolGrowthAtAFullServer implements AllocationStrategy {

    private final AllocationStrategy sized;
    private final PgConnPoolCreateRetry creates;

    PoolGrowthAtAFullServer(AllocationStrategy sized, PgConnPoolCreateRetry creates) {
        this.sized = sized;
        this.creates = creates;
    }

    @Override
    public int estimatePermitCount() {
        return creates.holdsGrowth() ? 0 : sized.estimatePermitCount();
    }

    @Override
    public int getPermits(int desired) {
        return creates.holdsGrowth() ? 0 : sized.getPermits(desired);
    }

    @Override
    public int permitGranted() {
        return sized.permitGranted();
    }

    @Override
    public int permitMinimum() {
        return sized.permitMinimum();
    }

    @Override
    public int permitMaximum() {
        return sized.permitMaximum();
    }

    @Override
    public void returnPermits(int returned) {
        sized.returnPermits(returned);
    }

    @Override
    public int warmupParallelism() {
        return sized.warmupParallelism();
    }
}
