package io.pgconn.spring.boot.autoconfigure.r2dbc.json;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.r2dbc.SpringDataAppTest;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.relational.core.query.Criteria;
import org.springframework.data.relational.core.query.Query;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-27 F1: an application moved from r2dbc-postgresql keeps its {@code @ReadingConverter Json → Address}
 * (pgconn's {@code Json}) and Spring Data R2DBC reads its {@code jsonb} column through it — repository finds,
 * a derived and an {@code @Query} query, {@code R2dbcEntityTemplate} — although pgconn-r2dbc reads {@code jsonb} as
 * {@code String}. Until session 28 every such read failed with "No converter found capable of converting from type
 * [java.lang.String] to type [Address]" (run with {@code -Dspring.autoconfigure.exclude=}
 * {@code io.pgconn.spring.boot.autoconfigure.data.PgConnDataR2dbcAutoConfiguration} to see it). The application's own
 * {@code R2dbcCustomConversions} is built with Spring Data's {@code PostgresDialect}, as it was on r2dbc-postgresql;
 * {@link JsonReadingConverterPgConnDialectIT} with pgconn's dialect.
 */
@SpringDataAppTest(JsonConvertersTestApplication.class)
class JsonReadingConverterIT {

    static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.builder("starter-json-converters")
            .initSql("CREATE TABLE shipment (id BIGSERIAL PRIMARY KEY, name text NOT NULL, address jsonb, raw json)")
            .initSql("GRANT ALL ON shipment, shipment_id_seq TO " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.primaryOf(registry, PG);
    }

    @Autowired
    private JsonShipmentRepository shipments;

    @Autowired
    private R2dbcEntityTemplate template;

    @Autowired
    private DatabaseClient client;

    @BeforeEach
    void empty() {
        client.sql("DELETE FROM shipment").fetch().rowsUpdated().block(STEP);
    }

    @Test
    void theApplicationsJsonReadingConverterReadsTheJsonbColumn() {
        Address lyon = new Address("1 rue de la Paix", "Lyon");
        Shipment saved = shipments.save(new Shipment(null, "first", lyon, "[1, 2]")).block(STEP);
        shipments.save(new Shipment(null, "second", new Address("2 Main St", "Oslo"), null)).block(STEP);

        assertThat(shipments.findById(saved.id()).block(STEP)).isEqualTo(new Shipment(saved.id(), "first", lyon, "[1, 2]"));
        assertThat(shipments.findByName("second").map(Shipment::address).collectList().block(STEP))
                .containsExactly(new Address("2 Main St", "Oslo"));
        assertThat(shipments.inCity("Lyon").map(Shipment::address).collectList().block(STEP)).containsExactly(lyon);
        assertThat(shipments.findAll().map(Shipment::address).map(Address::city).collectList().block(STEP))
                .containsExactlyInAnyOrder("Lyon", "Oslo");
        assertThat(template.select(Shipment.class).matching(Query.query(Criteria.where("name").is("first"))).one().block(STEP).address())
                .isEqualTo(lyon);
        // written by the application's writing converter as a jsonb value, not as a quoted string
        assertThat(client.sql("SELECT jsonb_typeof(address) AS t, address->>'city' AS city FROM shipment WHERE name = 'first'")
                .map(row -> row.get("t", String.class) + " " + row.get("city", String.class)).one().block(STEP)).isEqualTo("object Lyon");
    }

    @Test
    void aNullJsonbReadsAsNullAndOtherColumnsAsBefore() {
        Shipment saved = shipments.save(new Shipment(null, "nowhere", null, null)).block(STEP);
        assertThat(shipments.findById(saved.id()).block(STEP)).isEqualTo(new Shipment(saved.id(), "nowhere", null, null));
        // a String property of a json column and a text column are not touched by the converter
        assertThat(client.sql("UPDATE shipment SET raw = '{\"street\": \"x\", \"city\": \"y\"}' WHERE id = :id").bind("id", saved.id())
                .fetch().rowsUpdated().block(STEP)).isEqualTo(1L);
        Shipment read = shipments.findById(saved.id()).block(STEP);
        assertThat(read.raw()).isEqualTo("{\"street\": \"x\", \"city\": \"y\"}");
        assertThat(read.name()).isEqualTo("nowhere");
    }
}
