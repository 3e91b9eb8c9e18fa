package io.pgconn.r2dbc;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.ServerFreeze;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ValidationDepth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pgconn.r2dbc.EvictingPools.serverPort;
import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-28 F8, a split brain after a hung primary: the pool's sessions were opened on the primary; it hung (SIGSTOP),
 * the factory's next connect gave up on it and reached the promoted standby (two independent primaries stand for them
 * here); then the old primary answered again — as a primary, beside the promoted one. The pool must lend no idle session
 * on the old one any more: its writes go where its new connects go (the factory's sticky primary, the health's
 * {@code activeHost}). Before, validation passed them (the old host answers as a primary) and the user's drill
 * acknowledged 478 writes on the old primary in 8 s, none on the promoted one. A session under a borrower stays with it
 * (its transaction on one server) and goes at its release.
 */
class SplitBrainPoolEvictionIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension OLD_PRIMARY = R2dbcTestServer.builder("r2dbc-split-old", 0).build();

    @RegisterExtension
    static final PgClusterExtension PROMOTED = R2dbcTestServer.builder("r2dbc-split-promoted", 0).build();

    @Test
    void idleSessionsOnAnOldPrimaryAnsweringAgainAreEvictedForTheOneNewConnectsReachAndALentOneAtItsRelease() {
        PgServer oldPrimary = OLD_PRIMARY.primary();
        PgServer promoted = PROMOTED.primary();
        ConnConfig config = EvictingPools.twoHosts(oldPrimary, promoted, "hostConnectTimeout=2s target_session_attrs=read-write");
        HostSpec oldHost = config.hosts().get(0);
        HostSpec promotedHost = config.hosts().get(1);
        try (PgConnectionFactory core = PgConnectionFactory.create(config)) {
            List<String> evicted = new CopyOnWriteArrayList<>();
            ConnectionPool pool = EvictingPools.of(core, evicted);
            try {
                List<Connection> first = Flux.range(0, 3).flatMap(i -> pool.create()).collectList().block(STEP);
                assertThat(first).hasSize(3).allSatisfy(c -> assertThat(serverPort(c)).isEqualTo(oldPrimary.port()));
                assertThat(core.stickyPrimary()).contains(oldHost.label());
                Connection lent = first.get(0);
                Flux.fromIterable(first.subList(1, 3)).flatMap(Connection::close).then().block(STEP);

                try (ServerFreeze hung = ServerFreeze.of(oldPrimary)) {
                    PgConnection failedOver = await(core.connect()); // e.g. the pool's next connect, or a health probe's
                    assertThat(failedOver.hostSpec().port()).as("the old primary hangs: the promoted one").isEqualTo(promoted.port());
                    await(failedOver.close());
                }
                assertThat(serverPort(lent)).as("the old primary answers again").isEqualTo(oldPrimary.port());
                TestHostWatcher.of(core).up(oldHost, ServerRole.PRIMARY); // what a health probe of it would now tell
                assertThat(core.stickyPrimary()).as("where new read-write connects go").contains(promotedHost.label());
                assertThat(Mono.from(lent.validate(ValidationDepth.LOCAL)).block(STEP))
                        .as("a lent session stays valid for its borrower").isTrue();

                List<Connection> next = Flux.range(0, 2).flatMap(i -> pool.create()).collectList().block(STEP);
                try {
                    assertThat(next).allSatisfy(c -> assertThat(serverPort(c))
                            .as("no idle session on the old primary is lent").isEqualTo(promoted.port()));
                } finally {
                    Flux.fromIterable(next).flatMap(Connection::close).then().block(STEP);
                }
                assertThat(evicted).as("the two idle ones, when the pool picked them").containsExactly("other-primary", "other-primary");

                Mono.from(lent.close()).block(STEP);
                assertThat(evicted).as("the lent one, at its release").hasSize(3).allMatch("other-primary"::equals);
                Connection last = pool.create().block(STEP);
                try {
                    assertThat(serverPort(last)).isEqualTo(promoted.port());
                } finally {
                    Mono.from(last.close()).block(STEP);
                }
                assertThat(evicted).as("a session on the promoted primary is kept").hasSize(3);
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }
}
