package io.pgconn.r2dbc;

import reactor.pool.AllocationStrategy;

/**
 * reactor-pool's size-based allocation, one connect at a time while the server has no free slot (53300 at the pool's
 * last connect): it grants a connect only when none is under way or granted ({@link PgConnPoolCreateRetry#holdsGrowth}),
 * so an acquire that found no idle connection stays pending, to be given the next one a borrower releases (NEW-USER-19
 * F12: each such acquire was tied to a connect of its own that waited for a slot, and failed at its deadline while the
 * pool's open sessions served hundreds of requests a second). The grant is counted when it is made, not when the connect
 * begins: reactor-pool begins it on another thread, and drains that came in between granted more.
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
        if (creates.holdsGrowth()) {
            return 0;
        }
        return creates.atAFullServer() ? Math.min(1, sized.estimatePermitCount()) : sized.estimatePermitCount();
    }

    @Override
    public int getPermits(int desired) {
        if (!creates.atAFullServer()) {
            return sized.getPermits(desired);
        }
        // one connect at a time while the server has no free slot, also when the pool is below its minimum
        if (!creates.grantOneAtAFullServer()) {
            return 0;
        }
        int permits = sized.getPermits(1);
        if (permits <= 0) {
            creates.grantUnused();
            return 0;
        }
        if (permits > 1) {
            sized.returnPermits(permits - 1);
        }
        return 1;
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
        sized.returnPermits(returned); // also at every destroy: a grant that never began expires instead
    }

    @Override
    public int warmupParallelism() {
        return sized.warmupParallelism();
    }
}
