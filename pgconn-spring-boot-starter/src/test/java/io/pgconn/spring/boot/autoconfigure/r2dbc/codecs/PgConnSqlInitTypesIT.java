package io.pgconn.spring.boot.autoconfigure.r2dbc.codecs;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 6 F2 through the starter: the enum type is created by {@code spring.sql.init}'s
 * {@code schema.sql}, run through the R2DBC pool whose connections had already looked
 * {@code order_status} up (and logged that it was not there). The type DDL moves the factory's type
 * epoch, and every pooled connection binds the codec before its next statement: a Spring Data
 * repository saves and reads the enum and an array of it on both of the pool's connections (before:
 * "No enum constant OrderStatus.{PAID" — the array read as its text).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = CodecsTestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
        "pg.conn.ssl.mode=disable", "pg.conn.extension-types=order_status", "pg.conn.pool.initial-size=2", "pg.conn.pool.max-size=2",
        "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:sql-init-types/schema.sql" })
class PgConnSqlInitTypesIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-sql-init-types")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql("GRANT CREATE ON SCHEMA public TO " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> "127.0.0.1:" + PG.primary().port());
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private ShipmentRepository shipments;

    @Test
    void aTypeCreatedBySqlInitIsWrittenAndReadThroughTheCodecOnThePoolsConnections(CapturedOutput output) {
        // two at once: each on its own pooled connection, both opened before schema.sql ran
        List<Shipment> saved = Flux.range(0, 2)
                .flatMap(i -> shipments.save(new Shipment(null, OrderStatus.PAID, new OrderStatus[] {OrderStatus.NEW, OrderStatus.PAID})))
                .collectList().block(STEP);
        assertThat(saved).hasSize(2);
        List<Shipment> read = Flux.range(0, 2).flatMap(i -> shipments.findById(saved.get(i).id())).collectList().block(STEP);
        assertThat(read).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(OrderStatus.PAID);
            assertThat(s.allowed()).containsExactly(OrderStatus.NEW, OrderStatus.PAID);
        });
        assertThat(client.sql("SELECT allowed FROM shipment LIMIT 1").map(row -> row.get(0)).one().block(STEP))
                .isEqualTo(new OrderStatus[] {OrderStatus.NEW, OrderStatus.PAID});
        assertThat(output.getOut() + output.getErr()).as("looked up before schema.sql created it, and said so once")
                .containsOnlyOnce("type order_status (listed in extensionTypes) was not found");
    }
}
