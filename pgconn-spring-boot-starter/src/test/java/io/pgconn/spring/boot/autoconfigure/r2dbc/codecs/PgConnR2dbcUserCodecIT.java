package io.pgconn.spring.boot.autoconfigure.r2dbc.codecs;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.r2dbc.SpringDataAppTest;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user codec's class bound through the starter's R2DBC pool (user6 F1): a {@code CodecRegistry}
 * bean with a codec for the PostgreSQL enum {@code order_status}, {@code pg.conn.extension-types}
 * naming it; {@code DatabaseClient} and a Spring Data repository bind the Java enum and an array of
 * it (they were refused at {@code bind}: "no codec writes a parameter of class ...", though reading
 * worked).
 */
@SpringDataAppTest(CodecsTestApplication.class)
@TestPropertySource(properties = "pg.conn.extension-types=order_status")
class PgConnR2dbcUserCodecIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.builder("starter-r2dbc-codecs")
            .initSql("CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped')")
            .initSql("CREATE TABLE shipment (id BIGSERIAL PRIMARY KEY, status order_status NOT NULL, allowed order_status[])")
            .initSql("GRANT ALL ON shipment, shipment_id_seq TO " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.primaryOf(registry, PG);
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ShipmentRepository shipments;

    @BeforeEach
    void empty() {
        client.sql("DELETE FROM shipment").fetch().rowsUpdated().block(STEP);
    }

    @Test
    void databaseClientBindsTheEnumThroughTheRegistryBeansCodec() {
        client.sql("INSERT INTO shipment (status) VALUES (:s)").bind("s", OrderStatus.PAID).fetch().rowsUpdated().block(STEP);
        Long paid = client.sql("SELECT count(*) FROM shipment WHERE status = :s").bind("s", OrderStatus.PAID)
                .map(row -> row.get(0, Long.class)).one().block(STEP);
        assertThat(paid).isEqualTo(1);
        assertThat(client.sql("SELECT status FROM shipment").map(row -> row.get(0)).one().block(STEP)).isEqualTo(OrderStatus.PAID);
    }

    @Test
    void aRepositorySavesAndFindsTheEnumAndAnArrayOfIt() {
        Shipment saved = shipments.save(new Shipment(null, OrderStatus.NEW, new OrderStatus[] {OrderStatus.NEW, OrderStatus.PAID})).block(STEP);
        Shipment read = shipments.findById(saved.id()).block(STEP);
        assertThat(read.status()).isEqualTo(OrderStatus.NEW);
        assertThat(read.allowed()).containsExactly(OrderStatus.NEW, OrderStatus.PAID);
        assertThat(shipments.findByStatus(OrderStatus.NEW).count().block(STEP)).isEqualTo(1);
        assertThat(shipments.findByStatus(OrderStatus.SHIPPED).count().block(STEP)).isZero();
        assertThat(client.sql("SELECT allowed::text FROM shipment").map(row -> row.get(0, String.class)).one().block(STEP))
                .isEqualTo("{new,paid}");
    }
}
