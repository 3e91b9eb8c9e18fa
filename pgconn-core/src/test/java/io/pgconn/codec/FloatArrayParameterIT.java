package io.pgconn.codec;

import io.pgconn.PgConnection;
import io.pgconn.query.Row;
import io.pgconn.testing.FactoryPerTest;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Java {@code float[]} parameter is a {@code real[]} whatever types the database has (new user 9 F1:
 * with pgvector installed it was sent as {@code vector}, which broke {@code = ANY($1)}, {@code arr = $1},
 * {@code unnest($1)}, and on open connections as soon as the extension was created). The testkit's
 * servers have no pgvector; a domain named {@code vector} is found by the default {@code extensionTypes}
 * lookup just as pgvector's type is, which is all the old binding needed.
 */
class FloatArrayParameterIT {

    static final String USER = "floats_u";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("floatarr")
            .majorVersion(18)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql("GRANT CREATE ON SCHEMA public TO " + USER)
            .build();

    @RegisterExtension
    final FactoryPerTest factory = new FactoryPerTest();

    /** extensionTypes left at its default (hstore, vector). */
    private PgConnection connect() {
        return factory.connect(PG.primary(), USER);
    }

    @Test
    void aFloatArrayStaysARealArrayOnAnOpenConnectionWhenATypeNamedVectorIsCreated() {
        PgConnection a = connect();
        PgConnection b = connect();
        await(a.simpleQuery("CREATE TABLE floats (v real, arr real[]); INSERT INTO floats VALUES (1.5, '{1.5,2.5}'), (3, '{3}')"));
        float[] param = {1.5f, 2.5f};
        assertRealArrayQueriesWork(b, param);

        await(a.simpleQuery("CREATE DOMAIN vector AS real[]"));

        assertRealArrayQueriesWork(b, param);
        assertThat(b.typeOid("vector")).as("the open connection found the new type").isPresent();
        PgConnection c = connect();
        assertThat(c.typeOid("vector")).as("and so does a new one").isPresent();
        assertRealArrayQueriesWork(c, param);
    }

    private static void assertRealArrayQueriesWork(PgConnection c, float[] param) {
        Row row = await(c.query("SELECT pg_typeof($1)::text, array_length($1, 1), (SELECT sum(u) FROM unnest($1) u)", (Object) param)).row(0);
        assertThat(row.get(0)).isEqualTo("real[]");
        assertThat(row.get(1)).isEqualTo(2);
        assertThat(row.get(2)).isEqualTo(4.0f);
        assertThat(await(c.query("SELECT count(*) FROM floats WHERE v = ANY($1)", (Object) param)).row(0).get(0)).isEqualTo(1L);
        assertThat(await(c.query("SELECT count(*) FROM floats WHERE arr = $1", (Object) param)).row(0).get(0)).isEqualTo(1L);
    }
}
