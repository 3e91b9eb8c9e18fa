package io.pgconn.codec;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.query.Row;
import io.pgconn.query.RowSet;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What binding a type lookup's answer does to a session's prepared statements and codecs (closing note 28). A
 * schema-per-tenant application ({@code SET search_path} per request, PostgreSQL 18 reports it): each tenant's
 * {@code tenant_mood} is its own type, so every switch binds another answer. Before, each such bind dropped every
 * prepared statement of the session, and the next request parsed all its statements again; now only the statements
 * that use the type's old OID go. And an answer equal to the one bound bound the codecs afresh (every cached
 * statement's result formats and row decoder worked out again); now it binds nothing. Whether a statement was parsed
 * again: its name in the server's {@code pg_prepared_statements}.
 */
class BoundTypeOidsStatementsIT {

    static final String USER = "bound_u";

    @RegisterExtension
    static final PgClusterExtension PG = tenants(PgClusterExtension.builder().name("boundoids18").majorVersion(18)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql("GRANT CREATE ON SCHEMA public TO " + USER)).build();

    private static PgClusterExtension.Builder tenants(PgClusterExtension.Builder builder) {
        for (String schema : List.of("tenant_a", "tenant_b")) {
            builder.initSql("CREATE SCHEMA " + schema + " AUTHORIZATION " + USER)
                    .initSql("CREATE TYPE " + schema + ".tenant_mood AS ENUM ('sad', 'ok', 'happy')");
        }
        return builder;
    }

    private static final String PLAIN = "SELECT $1::int + 1";
    private static final String MOODY = "SELECT 'ok'::tenant_mood";

    private final List<PgConnectionFactory> factories = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeFactories() {
        factories.forEach(PgConnectionFactory::close);
    }

    private PgConnection connect() {
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1)
                .codecs(CodecRegistry.builder().register(new MoodCodec("tenant_mood")).build()).build();
        factories.add(factory);
        return await(factory.connect(Connect.config(PG.primary(), USER, null,
                "sslmode=disable hostRecheckInterval=1h extensionTypes=tenant_mood")));
    }

    @Test
    void anotherAnswerDropsOnlyTheStatementsThatUseTheTypesOldOid() {
        PgConnection c = connect();
        await(c.simpleQuery("SET search_path TO tenant_a"));
        assertThat(await(c.query(PLAIN, 1)).row(0).getInt(0)).isEqualTo(2);
        assertThat(await(c.query(MOODY)).row(0).get(0)).isEqualTo(Mood.OK);
        String plainPrepared = preparedAs(c, PLAIN).get(0);
        String moodyPrepared = preparedAs(c, MOODY).get(0);
        await(c.simpleQuery("SET search_path TO tenant_b"));
        assertThat(await(c.query(MOODY)).row(0).get(0)).as("tenant_b's type, bound").isEqualTo(Mood.OK);
        assertThat(c.typeOid("tenant_mood")).hasValue(oid("tenant_b.tenant_mood"));

        await(c.simpleQuery("SET search_path TO tenant_a")); // tenant_a's kept answer is bound again: another OID
        assertThat(await(c.query(PLAIN, 2)).row(0).getInt(0)).isEqualTo(3);
        Row row = await(c.query(MOODY)).row(0);
        assertThat(row.get(0)).isEqualTo(Mood.OK);
        assertThat(row.getOid(0)).isEqualTo(oid("tenant_a.tenant_mood"));
        assertThat(preparedAs(c, PLAIN)).as("the statement that uses no tenant type stayed prepared, not parsed again")
                .containsExactly(plainPrepared);
        assertThat(preparedAs(c, MOODY)).as("the one that casts to the type was dropped (and closed), and parsed again")
                .hasSize(1).doesNotContain(moodyPrepared);
    }

    @Test
    void anAnswerEqualToTheBoundOneBindsNothing() {
        PgConnection c = connect();
        await(c.simpleQuery("SET search_path TO tenant_a"));
        Row first = await(c.query(MOODY)).row(0);
        Object bound = SessionAccess.codecs(c);

        await(c.simpleQuery("SET search_path TO tenant_a, public")); // another path: looked up, the same answer
        assertThat(await(c.query(MOODY)).row(0).get(0)).isEqualTo(Mood.OK);
        assertThat(c.typeOid("tenant_mood")).hasValue(oid("tenant_a.tenant_mood"));
        assertThat(SessionAccess.codecs(c)).as("the same answer: the codecs stay").isSameAs(bound);

        await(c.simpleQuery("SET search_path TO tenant_a")); // back: the kept answer, the same again
        Row again = await(c.query(MOODY)).row(0);
        assertThat(again.get(0)).isEqualTo(Mood.OK);
        assertThat(SessionAccess.codecs(c)).isSameAs(bound);
        assertThat(again.metadata()).as("the cached statement's metadata, not worked out again").isSameAs(first.metadata());
    }

    private static int oid(String type) {
        return Integer.parseInt(PG.primary().queryValue("SELECT '" + type + "'::regtype::oid"));
    }

    /** The names of the session's prepared statements of {@code text}, as the server lists them. */
    private static List<String> preparedAs(PgConnection c, String text) {
        RowSet rows = await(c.query("SELECT name FROM pg_catalog.pg_prepared_statements WHERE statement = $1", text));
        return rows.rows().stream().map(row -> row.getString(0)).toList();
    }
}
