package io.pgconn.internal.failover;

import io.pgconn.testing.TestHostWatcher;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.PrimaryTimeline;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.OptionalLong;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The split-brain tie-break against real servers (closing-note-28 F8), on PostgreSQL 14 and 18: the factory's
 * read-write connects reached the primary; its standby is promoted while the primary keeps answering (nothing finds it
 * down: a freeze shorter than the health's close, or a promotion of a standby whose primary only lost its network). The
 * promoted one writes on timeline 2, the old primary on 1; both read as any role may read them
 * ({@link PrimaryTimeline}), and told the factory as the starter's health tells them, the promoted one is the sticky
 * primary: new read-write connects go there. Before, the old primary stayed sticky — and a pool's
 * {@code other-primary} eviction kept it on the primary about to be fenced.
 */
class StickyPrimaryTimelineIT {

    @RegisterExtension
    static final PgClusterExtension PG18 = FailoverCluster.withStandbys("timeline18", 1);

    @RegisterExtension
    static final PgClusterExtension PG14 = FailoverCluster.builder("timeline14", 1).majorVersion(14).build();

    @Test
    void thePromotedStandbyOnTheHigherTimelineTakesNewConnectsFromTheOldPrimaryStillAnsweringOn18() {
        newerTimelineWins(PG18.primary(), PG18.standby(0));
    }

    @Test
    void thePromotedStandbyOnTheHigherTimelineTakesNewConnectsFromTheOldPrimaryStillAnsweringOn14() {
        newerTimelineWins(PG14.primary(), PG14.standby(0));
    }

    private static void newerTimelineWins(PgServer oldPrimary, PgServer standby) {
        ConnConfig config = FailoverCluster.config("target_session_attrs=read-write hostConnectTimeout=5s", oldPrimary.port(),
                standby.port());
        HostSpec oldHost = config.hosts().get(0);
        HostSpec promotedHost = config.hosts().get(1);
        try (PgConnectionFactory factory = PgConnectionFactory.create(config);
             PgConnectionFactory watcher = PgConnectionFactory.create(FailoverCluster.config("", oldPrimary.port()))) {
            assertThat(portOfNewConnect(factory)).isEqualTo(oldPrimary.port());
            assertThat(timeline(watcher, standby.port())).as("a standby has no timeline of its own").isEmpty();

            standby.promote();
            TestHostWatcher.of(factory).up(promotedHost, ServerRole.PRIMARY); // what the health's probe of it tells
            assertThat(factory.stickyPrimary()).as("nothing found the old one down").contains(oldHost.label());
            assertThat(portOfNewConnect(factory)).isEqualTo(oldPrimary.port());

            OptionalLong promotedTimeline = timeline(watcher, standby.port());
            OptionalLong oldTimeline = timeline(watcher, oldPrimary.port());
            assertThat(promotedTimeline).hasValue(2);
            assertThat(oldTimeline).hasValue(1);
            TestHostWatcher.of(factory).primaryTimeline(promotedHost, promotedTimeline.getAsLong());
            assertThat(factory.stickyPrimary()).as("one timeline alone decides nothing").contains(oldHost.label());
            TestHostWatcher.of(factory).primaryTimeline(oldHost, oldTimeline.getAsLong());
            assertThat(factory.stickyPrimary()).contains(promotedHost.label());
            assertThat(portOfNewConnect(factory)).as("new read-write connects go to the newer primary").isEqualTo(standby.port());

            TestHostWatcher.of(factory).up(oldHost, ServerRole.PRIMARY); // the old one answers on
            TestHostWatcher.of(factory).primaryTimeline(oldHost, oldTimeline.getAsLong());
            assertThat(portOfNewConnect(factory)).isEqualTo(standby.port());
        }
    }

    /** The timeline of the server on {@code port}, read on a session of {@code watcher}'s own. */
    private static OptionalLong timeline(PgConnectionFactory watcher, int port) {
        PgConnection connection = await(watcher.connect(FailoverCluster.config("", port)));
        try {
            return await(PrimaryTimeline.read(connection, java.time.Duration.ofSeconds(10)));
        } finally {
            await(connection.close());
        }
    }

    private static int portOfNewConnect(PgConnectionFactory factory) {
        PgConnection connection = await(factory.connect());
        try {
            return connection.hostSpec().port();
        } finally {
            await(connection.close());
        }
    }
}
