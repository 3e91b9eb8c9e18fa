package io.pgconn.spring.boot.autoconfigure.r2dbc.vector;

import io.pgconn.codec.Json;
import io.pgconn.codec.PgVector;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.data.PgConnR2dbcDialect;
import io.pgconn.testing.PgvectorStandIn;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code PgVector} (and a {@code Json}) entity property through the starter and Spring Data R2DBC
 * with no configuration of the application's own: saved, found by id and by value, read back, and a
 * nearest-neighbour {@code @Query} with {@code <->} bound to a {@code PgVector} parameter. Before
 * session 13 such an entity failed (Spring Data took {@code PgVector} for a nested entity; r2dbc.md
 * told users to keep {@code float[]}). The testkit has no pgvector: {@link PgvectorStandIn} is a type
 * named {@code vector} that takes and gives back pgvector's binary form, with an L2 {@code <->}.
 */
@SpringBootTest(classes = VectorTestApplication.class, webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
        "pg.conn.ssl.mode=disable", "pg.conn.pool.initial-size=1", "pg.conn.pool.max-size=2" })
class PgConnR2dbcVectorIT {

    private static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("starter-r2dbc-vector")
            .user(PgUser.scram(StarterCluster.USER, StarterCluster.PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .initSql(PgvectorStandIn.SQL)
            .initSql("CREATE TABLE passage (id BIGSERIAL PRIMARY KEY, title text NOT NULL, embedding vector CHECK ("
                    + PgvectorStandIn.wellFormed("embedding") + "), meta jsonb)")
            .initSql("GRANT ALL ON passage, passage_id_seq TO " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        registry.add("pg.conn.hosts", () -> "127.0.0.1:" + PG.primary().port());
    }

    @Autowired
    private DatabaseClient client;

    @Autowired
    private PassageRepository passages;

    @Autowired
    private R2dbcEntityTemplate template;

    @Autowired
    private ConnectionFactory connectionFactory;

    @BeforeEach
    void empty() {
        client.sql("DELETE FROM passage").fetch().rowsUpdated().block(STEP);
    }

    @Test
    void aRepositorySavesAndFindsAPgVectorAndAJsonProperty() {
        PgVector embedding = PgVector.of(0.25f, -1f, 3e-7f);
        Passage saved = passages.save(new Passage(null, "intro", embedding, Json.of("{\"lang\": \"en\"}"))).block(STEP);
        Passage read = passages.findById(saved.id()).block(STEP);
        assertThat(read.embedding()).isEqualTo(embedding);
        assertThat(read.meta()).isEqualTo(Json.of("{\"lang\": \"en\"}"));
        assertThat(passages.findByEmbedding(embedding).map(Passage::title).collectList().block(STEP)).containsExactly("intro");
        // stored as a vector, not as a real[] or a bytea: the server's column type and the driver's text of it
        assertThat(client.sql("SELECT pg_typeof(embedding)::text AS t, embedding FROM passage").map(row -> row.get("t", String.class)
                + " " + row.get("embedding", String.class)).one().block(STEP)).isEqualTo("vector [0.25,-1,3e-07]");

        Passage nothing = passages.save(new Passage(null, "empty", null, null)).block(STEP);
        Passage readNothing = passages.findById(nothing.id()).block(STEP);
        assertThat(readNothing.embedding()).isNull();
        assertThat(readNothing.meta()).isNull();

        Passage updated = passages.save(new Passage(saved.id(), "intro", PgVector.of(1f), null)).block(STEP);
        assertThat(passages.findById(updated.id()).block(STEP).embedding()).isEqualTo(PgVector.of(1f));
    }

    @Test
    void aNearestNeighbourQueryBindsItsPgVectorParameterToTheDistanceOperator() {
        passages.save(new Passage(null, "north", PgVector.of(0f, 10f), null)).block(STEP);
        passages.save(new Passage(null, "east", PgVector.of(10f, 0f), null)).block(STEP);
        passages.save(new Passage(null, "origin", PgVector.of(0f, 0f), null)).block(STEP);
        passages.save(new Passage(null, "unembedded", null, null)).block(STEP);

        assertThat(passages.nearest(PgVector.of(9f, 1f), 2).map(Passage::title).collectList().block(STEP))
                .containsExactly("east", "origin");
        assertThat(client.sql("SELECT title FROM passage ORDER BY embedding <-> :q LIMIT 1").bind("q", PgVector.of(1f, 8f))
                .map(row -> row.get(0, String.class)).one().block(STEP)).isEqualTo("north");
    }

    @Test
    void springDataFindsPgconnsDialectBehindThePool() {
        assertThat(template.getConverter().isSimpleType(PgVector.class)).isTrue();
        assertThat(org.springframework.data.r2dbc.dialect.DialectResolver.getDialect(connectionFactory))
                .isSameAs(PgConnR2dbcDialect.INSTANCE);
    }
}
