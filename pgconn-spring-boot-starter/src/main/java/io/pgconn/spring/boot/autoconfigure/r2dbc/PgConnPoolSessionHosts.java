package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.r2dbc.PgConnSessionHost;
import io.pgconn.r2dbc.PgConnUnwrap;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * On which hosts one pool's open sessions are, by host label ({@code host:port}, as the {@code pgConn} health's
 * {@code hosts} name them): the {@code pgConn} health shows it as the pool's {@code sessionsByHost}, so that after a
 * failover a user sees whether the pool moved to the new primary — and the sessions it kept on the old one — where
 * {@code acquired}/{@code idle} only count them. Counted where the pool gets its sessions ({@link #counting}: every
 * session the pool's factory creates, its warm-up's included) until each one's core session has closed (evicted,
 * ended by the server, the pool disposed): a session the server ended counts no more, though r2dbc-pool still
 * counts it {@code allocated} until it picks or validates it. Labels and counts only, never a credential.
 */
final class PgConnPoolSessionHosts {

    private final String poolName;

    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    /** @param poolName the bean name of the pool whose sessions these are */
    PgConnPoolSessionHosts(String poolName) {
        this.poolName = poolName;
    }

    String poolName() {
        return this.poolName;
    }

    /** {@code factory}, counting each session it creates on its host until that session closes; give it to the pool. */
    ConnectionFactory counting(ConnectionFactory factory) {
        return new Counting(factory, this);
    }

    /** What {@link #counting} was given when {@code factory} is its result (a pool's {@code unwrap()}), else {@code factory}. */
    static ConnectionFactory under(ConnectionFactory factory) {
        return factory instanceof Counting counting ? counting.factory : factory;
    }

    /** Open sessions per host label, in label order; empty when none. */
    Map<String, Integer> byHost() {
        return new TreeMap<>(this.open);
    }

    /**
     * Counts {@code connection}'s session on its host until it closes. Read without lending the session
     * ({@link PgConnUnwrap#sessionHost}): counting is no use of it — with {@code PgConnUnwrap.pgConnection} it was, so
     * each new session's first release ran the pool's reset on release though its borrower sent nothing (session 31).
     */
    private void opened(Connection connection) {
        PgConnSessionHost session = PgConnUnwrap.sessionHost(connection).orElse(null);
        if (session == null) {
            return; // a factory of the application's that is no pgconn one: nothing to show
        }
        String host = session.label();
        this.open.merge(host, 1, Integer::sum);
        session.closed().whenComplete((ignored, failure) ->
                this.open.computeIfPresent(host, (label, count) -> count > 1 ? count - 1 : null));
    }

    @Override
    public String toString() {
        return "PgConnPoolSessionHosts[" + this.poolName + "]";
    }

    /** The pool's factory, telling each session it creates; the driver's factory stays reachable through {@link Wrapped}. */
    private static final class Counting implements ConnectionFactory, Wrapped<ConnectionFactory> {

        private final ConnectionFactory factory;

        private final PgConnPoolSessionHosts hosts;

        Counting(ConnectionFactory factory, PgConnPoolSessionHosts hosts) {
            this.factory = factory;
            this.hosts = hosts;
        }

        @Override
        public Publisher<? extends Connection> create() {
            return Mono.<Connection>from(this.factory.create()).doOnNext(this.hosts::opened);
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return this.factory.getMetadata();
        }

        @Override
        public ConnectionFactory unwrap() {
            return this.factory;
        }
    }
}
