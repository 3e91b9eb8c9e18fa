package io.pgconn.codec;

import io.pgconn.PgConnection;
import io.pgconn.query.Row;
import io.pgconn.testing.FactoryPerTest;
import io.pgconn.testing.PgvectorStandIn;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code PgVector} parameters and {@code vector} columns on a real server through the core API: bound
 * as {@code vector}, read back as {@code float[]}, {@code PgVector} and (new user 9: it failed) as
 * {@code String}, arrays of them, and a nearest-neighbour query with {@code <->}. The testkit's servers
 * have no pgvector: {@link PgvectorStandIn} is a type named {@code vector} that takes and gives back
 * pgvector's binary form, found by the default {@code extensionTypes} like pgvector's type. Types
 * without a codec (contrib's {@code cube}, as pgvector's {@code halfvec} and {@code sparsevec} are)
 * read as their text.
 */
class PgVectorIT {

    static final String USER = "vectors_u";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("pgvector")
            .majorVersion(18)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql(PgvectorStandIn.SQL)
            .initSql("CREATE EXTENSION cube")
            .initSql("CREATE TABLE items (id int PRIMARY KEY, embedding vector CHECK (" + PgvectorStandIn.wellFormed("embedding")
                    + "), history vector[])")
            .initSql("GRANT ALL ON items TO " + USER)
            .build();

    @RegisterExtension
    final FactoryPerTest factory = new FactoryPerTest();

    /** extensionTypes left at its default (hstore, vector). */
    private PgConnection connect() {
        return factory.connect(PG.primary(), USER);
    }

    @Test
    void aPgVectorIsBoundAsAVectorAndAVectorColumnReadsAsFloatsPgVectorAndItsText() {
        PgConnection c = connect();
        await(c.simpleQuery("DELETE FROM items"));
        PgVector near = PgVector.of(1f, 2f, 3f);
        PgVector far = PgVector.of(-10f, 0.1f, 1e-5f);
        await(c.query("INSERT INTO items VALUES (1, $1, $2), (2, $3, NULL)", near, new PgVector[] {near, null, far}, far));

        Row row = await(c.query("SELECT embedding, embedding, embedding, history, pg_typeof(embedding)::text FROM items WHERE id = 1")).row(0);
        assertThat((float[]) row.get(0)).containsExactly(1f, 2f, 3f);
        assertThat(row.get(1, PgVector.class)).isEqualTo(near);
        assertThat(row.get(2, String.class)).isEqualTo("[1,2,3]");
        assertThat(row.get(3, String.class)).isEqualTo("{\"[1,2,3]\",NULL,\"[-10,0.1,1e-05]\"}");
        assertThat(row.get(3, PgVector[].class)).containsExactly(near, null, far);
        assertThat(row.get(4)).isEqualTo("vector");

        List<Object> nearest = await(c.query("SELECT id FROM items ORDER BY embedding <-> $1 LIMIT 1", PgVector.of(-9f, 0f, 0f)))
                .rows().stream().map(r -> r.get(0)).toList();
        assertThat(nearest).containsExactly(2);
        assertThat(await(c.query("SELECT embedding <-> $1 FROM items WHERE id = 1", PgVector.of(1f, 2f, 5f))).row(0).get(0))
                .isEqualTo(2.0);
    }

    @Test
    void aFloatArrayGoesIntoAVectorColumnOnlyWhereTheStatementSaysVector() {
        PgConnection c = connect();
        // a float[] is a real[]: the server refuses it where a vector is needed and nothing casts
        assertThatThrownBy(() -> await(c.query("SELECT $1 <-> embedding FROM items", (Object) new float[] {1f})))
                .hasMessageContaining("42883");
        // the registry writes a float[] as a vector where the caller names the type
        int oid = c.typeOid("vector").orElseThrow();
        assertThat(c.codecs().encoder(oid, new float[] {1f, 2f}).oid()).isEqualTo(oid);
    }

    @Test
    void anExtensionTypeWithoutACodecReadsAsItsText() {
        PgConnection c = connect();
        Row row = await(c.query("SELECT '(1,2),(3,4)'::cube, ARRAY['(1)'::cube, NULL]")).row(0);
        assertThat(row.get(0)).isEqualTo("(1, 2),(3, 4)");
        assertThat(row.get(0, String.class)).isEqualTo("(1, 2),(3, 4)");
        assertThat(row.get(1, String.class)).isEqualTo("{(1),NULL}");
    }
}
