package io.pgconn.internal.failover;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.connect.AttemptScope;
import io.pgconn.internal.session.ConnectionControl;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * What a {@link ConnectWalk} asks of the layer below it: a host's addresses and a session on one
 * address. The connect package answers in production ({@link MultiHostConnector}); scripted hosts
 * answer in {@code ConnectWalkTest}, so the walk's order, skips and deadlines are tested without a server.
 */
interface Endpoints {

    CompletableFuture<List<SocketAddress>> resolve(HostSpec host, RandomGenerator shuffle);

    /** A session on {@code address}, within {@code budget} (zero = none); {@code scope} closes what it dialled on abort. */
    CompletableFuture<ConnectionControl> connect(ConnConfig config, HostSpec host, SocketAddress address, Duration budget,
                                                 AttemptScope scope);
}
