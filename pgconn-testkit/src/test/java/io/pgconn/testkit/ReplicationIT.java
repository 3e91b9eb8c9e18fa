package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A primary with two hot standbys; then a crash of the primary and a failover. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {

    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("replication")
            .user(PgUser.scram("app", "app-pw").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("CREATE EXTENSION hstore; CREATE TABLE items(id int PRIMARY KEY, tags hstore)")
            .initSql("GRANT ALL ON items TO app")
            .standbys(2)
            .build();

    private static String count(PgServer server) {
        try (Connection c = Jdbc.connect(server, Jdbc.props("app", "app-pw"))) {
            return Jdbc.value(c, "SELECT count(*) FROM items");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(1)
    void standbysAreInRecoveryOnTheirOwnPortsAndDirectories() throws Exception {
        PgServer primary = PG.primary();
        assertThat(primary.isInRecovery()).isFalse();
        for (PgServer standby : PG.cluster().standbys()) {
            try (Connection c = Jdbc.connect(standby, Jdbc.props("app", "app-pw"))) {
                assertThat(Jdbc.value(c, "SELECT pg_is_in_recovery()")).isEqualTo("t");
                assertThatThrownBy(() -> Jdbc.update(c, "INSERT INTO items VALUES (0, '')"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
            }
            assertThat(standby.port()).isNotEqualTo(primary.port());
            assertThat(standby.socketDirectory()).isNotEqualTo(primary.socketDirectory());
            assertThat(standby.dataDirectory().resolve("standby.signal")).exists();
        }
        assertThat(PG.standby(0).port()).isNotEqualTo(PG.standby(1).port());
        // the init SQL ran before the standbys were copied
        assertThat(PG.standby(0).queryValue("SELECT extname FROM pg_extension WHERE extname = 'hstore'"))
                .isEqualTo("hstore");
        PolledCondition.await("two walsenders", REPLICATION_TIMEOUT,
                () -> "2".equals(primary.queryValue("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")));
    }

    @Test
    @Order(2)
    void standbysSeeARowWrittenOnThePrimary() throws Exception {
        try (Connection c = Jdbc.connect(PG.primary(), Jdbc.props("app", "app-pw"))) {
            Jdbc.update(c, "INSERT INTO items VALUES (1, 'a=>1')");
        }
        for (PgServer standby : PG.cluster().standbys()) {
            PolledCondition.await("row on " + standby.name(), REPLICATION_TIMEOUT, () -> "1".equals(count(standby)));
        }
        assertThat(PG.standby(0).queryValue("SELECT tags -> 'a' FROM items WHERE id = 1")).isEqualTo("1");
    }

    /**
     * New user 10 F5: SQL as superuser in a database other than {@code postgres} — a table in the application's
     * {@code orders} — had no way through the testkit (there is no {@code \c}).
     */
    @Test
    @Order(2)
    void superuserSqlRunsInTheDatabaseItNames() {
        PgServer primary = PG.primary();
        primary.execute("CREATE DATABASE orders OWNER app");
        assertThat(primary.execute("orders", "CREATE TABLE orders_placed (id int); INSERT INTO orders_placed VALUES (7);"
                + " SELECT current_database()")).containsExactly("orders");
        assertThat(primary.queryValue("orders", "SELECT id FROM orders_placed")).isEqualTo("7");
        assertThat(primary.query("orders", "SELECT id, current_database() FROM orders_placed")).containsExactly(java.util.List.of("7", "orders"));
        assertThat(primary.queryValue("SELECT to_regclass('orders_placed')")).as("not in postgres").isNull();
        assertThatThrownBy(() -> primary.execute("no_such_db", "SELECT 1")).isInstanceOf(PgTestkitException.class)
                .hasMessageContaining("\"no_such_db\" does not exist");
    }

    @Test
    @Order(3)
    void afterAPrimaryCrashAPromotedStandbyAcceptsWritesAndTheOtherFollowsIt() throws Exception {
        PgServer primary = PG.primary();
        PgServer promoted = PG.standby(0);
        PgServer follower = PG.standby(1);
        long pid = primary.pid();

        primary.stop(StopMode.IMMEDIATE);
        assertThat(Os.isAlive(pid)).isFalse();
        assertThatThrownBy(() -> Jdbc.connect(primary, Jdbc.props("app", "app-pw")).close())
                .isInstanceOf(SQLException.class);

        promoted.promote();
        assertThat(promoted.isInRecovery()).isFalse();
        try (Connection c = Jdbc.connect(promoted, Jdbc.props("app", "app-pw"))) {
            Jdbc.update(c, "INSERT INTO items VALUES (2, 'b=>2')");
            assertThat(Jdbc.value(c, "SELECT count(*) FROM items")).isEqualTo("2");
        }

        follower.follow(promoted);
        PolledCondition.await("row 2 on the follower", REPLICATION_TIMEOUT, () -> "2".equals(count(follower)));
        assertThat(follower.isInRecovery()).isTrue();

        promoted.restart();
        assertThat(promoted.isInRecovery()).isFalse();
        assertThat(count(promoted)).isEqualTo("2");
    }
}
