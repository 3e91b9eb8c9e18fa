package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.r2dbc.PgConnPools;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builders for pools of the application's own (the starter README's "reads on the standby" recipe) that report in
 * health and meters as the starter's pool does (NEW-USER-28 F2: the recipe's {@code readsPool}, built with
 * {@code PgConnPools} alone, showed no {@code evictions} or {@code sessionsByHost} and had no
 * {@code pg.conn.pool.evictions}, so "which instances read from the lagging standby?" had no answer):
 *
 * <pre>{@code
 * @Bean(defaultCandidate = false, destroyMethod = "dispose") @Qualifier("reads")
 * ConnectionPool readsPool(@Qualifier("reads") PgConnectionFactory readsPg, PgConnPoolBuilders pools) {
 *     return pools.over("readsPool", readsPg).initialSize(0).maxSize(4).maxAcquireTime(Duration.ofSeconds(5)).build();
 * }
 * }</pre>
 *
 * {@link #over} is {@code PgConnPools.over(factory)} (every piece of the starter's pool) named after the pool's bean,
 * counting each session it creates on its host until it closes ({@link PgConnPoolSessionHosts}) and each eviction by
 * reason ({@link PgConnPoolEvictions}): the {@code pgConn} health of the factory shows them under the pool's bean name
 * in {@code pools} ({@link PgConnR2dbcPoolDetails}), and {@code pg.conn.pool.evictions} is tagged {@code name} with it.
 * Calling {@code decorate} or {@code evicted} on the builder again keeps the starter's counting (PgConnPools' setters
 * combine: your decorator wraps the counting one, both eviction consumers are told). A bean, also when the application defines pools of its own (then the
 * starter's pool backs off, this stays). One pool per name for the context's life: the counts of every pool built here
 * stay until the context closes, and a pool re-created under its name is refused — pools made and dropped at run time
 * (a tenant each) belong to {@code PgConnRuntimeFactories}.
 */
public final class PgConnPoolBuilders {

    private final Map<String, PgConnPoolEvictions> evictions = new LinkedHashMap<>();

    private final Map<String, PgConnPoolSessionHosts> sessionHosts = new LinkedHashMap<>();

    /** Told of each pool's evictions as it is built (the meter binder, to register its counters). Guarded by this. */
    private final List<Consumer<PgConnPoolEvictions>> built = new ArrayList<>();

    /**
     * A builder of a pool over {@code factory}, counted in health and meters under {@code poolBeanName} — the name of
     * the pool's bean, as the health's {@code pools} and Boot's {@code r2dbc.pool.*} meters name the pool.
     *
     * @throws IllegalStateException when a pool was built here under that name already: two pools would share counts
     */
    public PgConnPools.Builder over(String poolBeanName, PgConnectionFactory factory) {
        PgConnPoolEvictions counted = new PgConnPoolEvictions(poolBeanName);
        PgConnPoolSessionHosts hosts = new PgConnPoolSessionHosts(poolBeanName);
        List<Consumer<PgConnPoolEvictions>> tell;
        synchronized (this) {
            if (this.evictions.containsKey(poolBeanName)) {
                throw new IllegalStateException("a pool named " + poolBeanName + " was built by PgConnPoolBuilders already;"
                        + " expected one pool per bean name (its health and pg.conn.pool.evictions go by that name)");
            }
            this.evictions.put(poolBeanName, counted);
            this.sessionHosts.put(poolBeanName, hosts);
            tell = List.copyOf(this.built);
        }
        tell.forEach(listener -> listener.accept(counted));
        return PgConnPools.over(factory).name(poolBeanName).decorate(hosts::counting).evicted(counted::evicted);
    }

    /** The evictions of the pool built here as {@code poolName}, or {@code null}. */
    synchronized @Nullable PgConnPoolEvictions evictions(String poolName) {
        return this.evictions.get(poolName);
    }

    /** Where the sessions of the pool built here as {@code poolName} are, or {@code null}. */
    synchronized @Nullable PgConnPoolSessionHosts sessionHosts(String poolName) {
        return this.sessionHosts.get(poolName);
    }

    /** Tells {@code listener} of every pool built here, at once for those built already, then as each is built. */
    void eachBuilt(Consumer<PgConnPoolEvictions> listener) {
        List<PgConnPoolEvictions> already;
        synchronized (this) {
            this.built.add(listener);
            already = List.copyOf(this.evictions.values());
        }
        already.forEach(listener);
    }
}
