package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.r2dbc.connection.init.ResourceDatabasePopulator;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 6 F2: the schema (an enum type and a table using it) is created by a script run through the
 * pool after it opened — as Spring Boot's {@code spring.sql.init} does with {@link ResourceDatabasePopulator}
 * — and the pool's connections, which looked {@code order_status} up at connect and did not find it, read
 * and write it through the user's codec afterwards (before: as the String "{paid,shipped}", and Spring
 * Data failed with "No enum constant OrderStatus.{PAID").
 */
class TypesCreatedThroughThePoolIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    private static final String SCHEMA = """
            DROP TABLE IF EXISTS customer;
            DROP TYPE IF EXISTS order_status;
            CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
            CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL, status order_status, allowed order_status[]);
            """;

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-types-through-pool", 0).build();


    record Customer(String name, Object status, Object allowed) {
    }

    @Test
    void theFirstStatementOfEachPooledConnectionAfterTheScriptBindsTheEnum() {
        try (PgConnectionFactory core = core(); PgConnR2dbcConnectionFactory factory = PgConnR2dbcConnectionFactory.of(core)) {
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(2).maxSize(2).build());
            try {
                assertThat(pool.warmup().block(STEP)).isEqualTo(2);
                new ResourceDatabasePopulator(new ByteArrayResource(SCHEMA.getBytes(StandardCharsets.UTF_8))).populate(pool).block(STEP);

                List<Connection> both = Flux.range(0, 2).flatMap(i -> pool.create()).collectList().block(STEP);
                try {
                    int n = 0;
                    for (Connection c : both) {
                        n++;
                        Long inserted = Flux.from(c.createStatement("INSERT INTO customer (name, status, allowed) VALUES ($1, $2, $3)")
                                        .bind(0, "c" + n).bind(1, OrderStatus.SHIPPED).bind(2, new OrderStatus[] {OrderStatus.NEW}).execute())
                                .flatMap(r -> Mono.from(r.getRowsUpdated())).reduce(0L, Long::sum).block(STEP);
                        assertThat(inserted).isEqualTo(1);
                    }
                } finally {
                    Flux.fromIterable(both).flatMap(Connection::close).blockLast(STEP);
                }
                List<String> rows = DatabaseClient.create(pool).sql("SELECT name || ' ' || status || ' ' || allowed::text FROM customer ORDER BY name")
                        .map(row -> row.get(0, String.class)).all().collectList().block(STEP);
                assertThat(rows).containsExactly("c1 shipped {new}", "c2 shipped {new}");
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }

    private static PgConnectionFactory core() {
        ConnConfig config = ConnConfig.parse("postgresql://" + R2dbcTestServer.USER + ":" + R2dbcTestServer.PASSWORD + "@127.0.0.1:"
                + PG.primary().port() + "/" + R2dbcTestServer.DATABASE + "?sslmode=disable&extensionTypes=order_status");
        return PgConnectionFactory.builder(config).codecs(CodecRegistry.builder().register(new OrderStatusCodec()).build()).threads(2).build();
    }

    @Test
    void aSchemaScriptRunThroughThePoolBindsTheEnumCodecOnEveryPooledConnection() {
        ConnConfig config = ConnConfig.parse("postgresql://" + R2dbcTestServer.USER + ":" + R2dbcTestServer.PASSWORD + "@127.0.0.1:"
                + PG.primary().port() + "/" + R2dbcTestServer.DATABASE + "?sslmode=disable&extensionTypes=order_status");
        try (PgConnectionFactory core = PgConnectionFactory.builder(config)
                .codecs(CodecRegistry.builder().register(new OrderStatusCodec()).build()).threads(2).build();
             PgConnR2dbcConnectionFactory factory = PgConnR2dbcConnectionFactory.of(core)) {
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).initialSize(2).maxSize(2).build());
            try {
                assertThat(pool.warmup().block(STEP)).as("the pool's connections are open before the schema exists").isEqualTo(2);

                new ResourceDatabasePopulator(new ByteArrayResource(SCHEMA.getBytes(StandardCharsets.UTF_8))).populate(pool).block(STEP);

                DatabaseClient client = DatabaseClient.create(pool);
                client.sql("INSERT INTO customer (name, status, allowed) VALUES ('r', 'paid', '{paid,shipped}')").fetch().rowsUpdated().block(STEP);
                // both pooled connections, held at once: each reads through the codec
                List<Connection> both = Flux.range(0, 2).flatMap(i -> pool.create()).collectList().block(STEP);
                try {
                    for (Connection c : both) {
                        Customer read = Mono.from(c.createStatement("SELECT name, status, allowed FROM customer").execute())
                                .flatMap(r -> Mono.from(r.map(row -> new Customer(row.get("name", String.class), row.get("status"), row.get("allowed")))))
                                .block(STEP);
                        assertThat(read.status()).isEqualTo(OrderStatus.PAID);
                        assertThat(read.allowed()).isEqualTo(new OrderStatus[] {OrderStatus.PAID, OrderStatus.SHIPPED});
                    }
                } finally {
                    Flux.fromIterable(both).flatMap(Connection::close).blockLast(STEP);
                }
                Long paid = client.sql("SELECT count(*) FROM customer WHERE status = :s").bind("s", OrderStatus.PAID)
                        .map(row -> row.get(0, Long.class)).one().block(STEP);
                assertThat(paid).isEqualTo(1);
            } finally {
                pool.disposeLater().block(STEP);
            }
        }
    }
}
