package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A class only a user's codec writes (a Java enum for a PostgreSQL enum type, arrays of it) bound
 * through the R2DBC SPI, as Spring's DatabaseClient and Spring Data do (user6 F1: {@code bind}
 * checked values against the built-in codecs only, so reading worked and binding was refused).
 */
class UserCodecBindIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-user-codec-bind", 0).build();


    private static PgConnectionFactory core;
    private static PgConnR2dbcConnectionFactory factory;
    private Connection connection;

    @BeforeAll
    static void schemaAndFactory() throws SQLException {
        try (var jdbc = R2dbcTestServer.dataSource(PG.primary()).getConnection(); var sql = jdbc.createStatement()) {
            sql.execute("CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped')");
            sql.execute("CREATE TABLE purchase (id int PRIMARY KEY, status order_status NOT NULL, allowed order_status[])");
        }
        core = PgConnectionFactory.builder(config("order_status"))
                .codecs(CodecRegistry.builder().register(new OrderStatusCodec()).build()).threads(1).build();
        factory = PgConnR2dbcConnectionFactory.of(core);
    }

    private static ConnConfig config(String extensionTypes) {
        return ConnConfig.parse("postgresql://" + R2dbcTestServer.USER + ":" + R2dbcTestServer.PASSWORD + "@127.0.0.1:"
                + PG.primary().port() + "/" + R2dbcTestServer.DATABASE + "?sslmode=disable&extensionTypes=" + extensionTypes);
    }

    @AfterAll
    static void closeFactory() {
        if (factory != null) {
            factory.close();
        }
        if (core != null) {
            core.close();
        }
    }

    @AfterEach
    void closeConnection() {
        if (connection != null) {
            Mono.from(connection.createStatement("DELETE FROM purchase").execute()).flatMap(r -> Mono.from(r.getRowsUpdated())).block(STEP);
            Mono.from(connection.close()).block(STEP);
        }
    }

    private Connection connection() {
        connection = Mono.from(factory.create()).block(STEP);
        return connection;
    }

    private static long rowsUpdated(Statement statement) {
        return Flux.from(statement.execute()).flatMap(r -> Mono.from(r.getRowsUpdated())).reduce(0L, Long::sum).block(STEP);
    }

    @Test
    void anEnumIsBoundThroughTheConnectionsCodec() {
        Connection c = connection();
        assertThat(rowsUpdated(c.createStatement("INSERT INTO purchase (id, status) VALUES ($1, $2)")
                .bind(0, 1).bind(1, OrderStatus.PAID))).isEqualTo(1);
        assertThat(rowsUpdated(c.createStatement("INSERT INTO purchase (id, status) VALUES ($1, $2)")
                .bind(0, 2).bind(1, Parameters.in(OrderStatus.SHIPPED)))).isEqualTo(1);
        List<Object> paid = Flux.from(c.createStatement("SELECT status FROM purchase WHERE status = $1").bind(0, OrderStatus.PAID).execute())
                .flatMap(r -> r.map(row -> row.get(0))).collectList().block(STEP);
        assertThat(paid).containsExactly(OrderStatus.PAID);
        assertThat(Flux.from(c.createStatement("SELECT status::text FROM purchase ORDER BY id").execute())
                .flatMap(r -> r.map(row -> row.get(0, String.class))).collectList().block(STEP)).containsExactly("paid", "shipped");
    }

    @Test
    void anArrayOfTheEnumIsBoundAsTheEnumsArrayType() {
        Connection c = connection();
        OrderStatus[] allowed = {OrderStatus.NEW, null, OrderStatus.PAID};
        assertThat(rowsUpdated(c.createStatement("INSERT INTO purchase (id, status, allowed) VALUES ($1, $2, $3)")
                .bind(0, 1).bind(1, OrderStatus.NEW).bind(2, allowed))).isEqualTo(1);
        Object read = Mono.from(c.createStatement("SELECT allowed FROM purchase WHERE allowed = $1").bind(0, allowed).execute())
                .flatMap(r -> Mono.from(r.map(row -> row.get(0)))).block(STEP);
        assertThat(read).isEqualTo(allowed);
        assertThat(Mono.from(c.createStatement("SELECT allowed::text FROM purchase").execute())
                .flatMap(r -> Mono.from(r.map(row -> row.get(0, String.class)))).block(STEP)).isEqualTo("{new,NULL,paid}");
    }

    @Test
    void whereTheTypeIsNotLookedUpTheEnumIsRefusedAtBindNamingTheType() {
        try (PgConnectionFactory withoutType = PgConnectionFactory.builder(config(""))
                .codecs(CodecRegistry.builder().register(new OrderStatusCodec()).build()).threads(1).build()) {
            Connection c = Mono.from(PgConnR2dbcConnectionFactory.of(withoutType).create()).block(STEP);
            try {
                Statement statement = c.createStatement("SELECT $1");
                assertThatThrownBy(() -> statement.bind(0, OrderStatus.PAID))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(OrderStatus.class.getName()).hasMessageContaining("$1").hasMessageContaining("order_status");
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    @Test
    void aClassNoCodecWritesIsStillRefusedAtBind() {
        Statement statement = connection().createStatement("SELECT $1");
        assertThatThrownBy(() -> statement.bind(0, new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object").hasMessageContaining("$1");
    }
}
