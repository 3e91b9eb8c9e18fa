package io.pgconn.codec;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.query.Row;
import io.pgconn.query.Segment;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

import static io.pgconn.testing.Conditions.awaitCondition;
import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A looked-up type name that comes to mean another type without type DDL (session 12): a table's row type
 * ({@code CREATE TABLE} names a type too), and a name resolving to another schema's type after the session's
 * {@code search_path} changed. PostgreSQL 18 reports search_path (ParameterStatus); 14 does not, and its
 * {@code SET}/{@code RESET} tags are read instead.
 */
class TypeNameResolutionRefreshIT {

    static final String USER = "names_u";

    private static PgClusterExtension.Builder cluster(String name, int major) {
        PgClusterExtension.Builder builder = PgClusterExtension.builder().name(name).majorVersion(major)
                .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
                .initSql("GRANT CREATE ON SCHEMA public TO " + USER);
        for (String schema : List.of("tenant_a", "tenant_b")) {
            builder.initSql("CREATE SCHEMA " + schema + " AUTHORIZATION " + USER)
                    .initSql("CREATE TYPE " + schema + ".tenant_mood AS ENUM ('sad', 'ok', 'happy')")
                    .initSql("ALTER TYPE " + schema + ".tenant_mood OWNER TO " + USER);
        }
        return builder;
    }

    @RegisterExtension
    static final PgClusterExtension PG18 = cluster("names18", 18).build();

    @RegisterExtension
    static final PgClusterExtension PG14 = cluster("names14", 14).build();

    private final List<PgConnectionFactory> factories = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeFactories() {
        factories.forEach(PgConnectionFactory::close);
    }

    private static PgServer server(int major) {
        return (major == 14 ? PG14 : PG18).primary();
    }

    private PgConnectionFactory factory(Codec<?> codec) {
        PgConnectionFactory factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(2)
                .codecs(CodecRegistry.builder().register(codec).build()).build();
        factories.add(factory);
        return factory;
    }

    private static PgConnection connect(PgConnectionFactory factory, int major, String extensionTypes) {
        return await(factory.connect(Connect.config(server(major), USER, null,
                "sslmode=disable hostRecheckInterval=1h extensionTypes=" + extensionTypes)));
    }

    private static int oid(int major, String type) {
        return Integer.parseInt(server(major).queryValue("SELECT '" + type + "'::regtype::oid"));
    }

    /**
     * Before: CREATE TABLE was not watched (temporary tables), so a codec for a table's row type stayed unbound on
     * the factory's open connections. A table DDL statement whose text names a looked-up type moves the epoch; one
     * that names none (a temporary table per request) moves nothing.
     */
    @Test
    void aTableCreatedThroughOneConnectionIsReadThroughItsRowTypesCodecOnAnother() {
        PgConnectionFactory factory = factory(new UserCodecIT.LabeledCodec());
        PgConnection a = connect(factory, 18, "labeled");
        PgConnection b = connect(factory, 18, "labeled");

        await(a.simpleQuery("CREATE TEMP TABLE scratch (id int)"));
        assertThat(b.typeOidsStale()).as("a table that names no looked-up type").isFalse();
        await(a.query("CREATE TABLE labeled (n int, label text)"));
        assertThat(b.typeOidsStale()).isTrue();

        Row row = await(b.query("SELECT ROW(1, 'a, b')::labeled")).row(0);
        assertThat(row.get(0)).isEqualTo(new UserCodecIT.Labeled(1, "a, b"));
        assertThat(b.typeOid("labeled")).hasValue(oid(18, "labeled"));
        await(a.query("DROP TABLE labeled"));
        assertThat(await(b.query("SELECT 1")).row(0).getInt(0)).isEqualTo(1);
        assertThat(b.typeOid("labeled")).as("dropped with its table").isEmpty();
    }

    /**
     * A script's table DDL is read with the script's text, as a statement's is (docs/codecs.md: "a script's text
     * counts as a whole"). Before: a script gave no text, so a temporary table created in one moved the factory's
     * epoch and every open connection looked its types up again.
     */
    @Test
    void aScriptsTableDdlMovesTheEpochOnlyWhenItsTextNamesALookedUpType() {
        PgConnectionFactory factory = factory(new UserCodecIT.LabeledCodec());
        PgConnection a = connect(factory, 18, "script_row");
        PgConnection b = connect(factory, 18, "script_row");

        runScript(a, "CREATE TEMP TABLE script_scratch (id int)", "INSERT INTO script_scratch VALUES (1)");
        assertThat(b.typeOidsStale()).as("a script's temporary table that names no looked-up type").isFalse();
        runScript(a, "SELECT 1", "CREATE TABLE script_row (n int, label text)");
        assertThat(b.typeOidsStale()).as("a script's table named like a looked-up type").isTrue();
        await(b.query("SELECT 1"));
        assertThat(b.typeOid("script_row")).hasValue(oid(18, "script_row"));
        await(a.query("DROP TABLE script_row"));
    }

    private static void runScript(PgConnection c, String... statements) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        c.script(List.of(statements)).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Segment segment) {
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        await(done);
    }

    /**
     * Before: search_path was not watched; a name looked up under one path kept its OID (or its absence) after
     * {@code SET search_path}, so the other schema's type read as text. Both servers: 18 by its report, 14 by the
     * SET's tag and text.
     */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {14, 18})
    void aNameIsBoundToTheTypeItResolvesToAfterTheSearchPathChanged(int major) {
        PgConnectionFactory factory = factory(new MoodCodec("tenant_mood"));
        PgConnection c = connect(factory, major, "tenant_mood");
        assertThat(c.typeOid("tenant_mood")).as("on neither schema of the path at connect").isEmpty();

        await(c.simpleQuery("SET search_path TO tenant_a, public"));
        Row a = await(c.query("SELECT 'ok'::tenant_mood")).row(0);
        assertThat(a.get(0)).isEqualTo(Mood.OK);
        assertThat(c.typeOid("tenant_mood")).hasValue(oid(major, "tenant_a.tenant_mood"));

        await(c.query("SET search_path = tenant_b"));
        Row b = await(c.query("SELECT 'happy'::tenant_mood, $1::tenant_mood::text", Mood.SAD)).row(0);
        assertThat(b.getOid(0)).isEqualTo(oid(major, "tenant_b.tenant_mood"));
        assertThat(b.get(0)).isEqualTo(Mood.HAPPY);
        assertThat(b.get(1)).isEqualTo("sad");
        assertThat(c.typeOid("tenant_mood")).hasValue(oid(major, "tenant_b.tenant_mood"));

        await(c.simpleQuery("SET statement_timeout = '5s'"));
        assertThat(c.typeOidsStale()).as("another setting").isFalse();
    }

    /**
     * NEW-USER-26: a multi-tenant application sets the tenant's search path for each transaction
     * ({@code set_config('search_path', ..., true)}); PostgreSQL 18 reports it set, and back at the transaction's end.
     * Each report made the session's answer stale, so a type lookup ran after every such transaction — one statement
     * more per request. The path back to the one the answer was given under, the lookup leaves unwritten. Counted in
     * the server's statement log.
     */
    @Test
    void aSearchPathSetForEachTransactionMakesNoLookupAfterIt() throws Exception {
        PG18.primary().execute("ALTER ROLE " + USER + " SET log_statement = 'all'");
        try {
            PgConnectionFactory factory = factory(new MoodCodec("tenant_mood"));
            PgConnection c = connect(factory, 18, "tenant_mood");
            long logStart = Files.size(PG18.primary().logFile());
            for (int request = 0; request < 5; request++) {
                await(c.begin());
                await(c.query("SELECT set_config('search_path', $1, true)", request % 2 == 0 ? "tenant_a, public" : "tenant_b"));
                assertThat(await(c.query("SELECT 'ok'::tenant_mood::text")).single(String.class)).isEqualTo("ok");
                await(c.commit());
            }
            String marker = "requests-done-" + System.nanoTime();
            await(c.query("SELECT $1::text", marker));
            assertThat(c.typeOidsStale()).as("the path is back to the connect's").isFalse();
            awaitCondition("the server's log to show the last statement", Duration.ofSeconds(10),
                    () -> logSince(logStart).contains(marker));
            assertThat(logSince(logStart)).as("no type lookup after the transactions").doesNotContain("to_regtype");
        } finally {
            PG18.primary().execute("ALTER ROLE " + USER + " RESET log_statement");
        }
    }

    /**
     * NEW-USER-26 F2: a schema-per-tenant application sets its tenant's path for the session on each request
     * ({@code SET search_path}); each set made the session's answer stale, and a lookup ran in front of the request's
     * statement — one statement more per request. A path the session was answered under before, at the same epoch,
     * binds that answer again: one lookup per path, then none. A type created through the factory on a path already
     * answered (the epoch moves, as after {@code CREATE EXTENSION}) is looked up again and found. Counted in the
     * server's statement log: 5 lookups where there were 10.
     */
    @Test
    void aTenantsSearchPathSetPerRequestIsLookedUpOncePerPath() throws Exception {
        PG18.primary().execute("CREATE SCHEMA IF NOT EXISTS tenant_c AUTHORIZATION " + USER);
        PG18.primary().execute("ALTER ROLE " + USER + " SET log_statement = 'all'");
        try {
            PgConnectionFactory factory = factory(new MoodCodec("tenant_mood"));
            PgConnection c = connect(factory, 18, "tenant_mood");
            PgConnection ddl = connect(factory, 18, "tenant_mood");
            long logStart = Files.size(PG18.primary().logFile());
            for (int request = 0; request < 6; request++) {
                String tenant = request % 2 == 0 ? "tenant_a" : "tenant_b";
                await(c.simpleQuery("SET search_path TO " + tenant));
                Row row = await(c.query("SELECT 'ok'::tenant_mood")).row(0);
                assertThat(row.get(0)).as(tenant).isEqualTo(Mood.OK);
                assertThat(c.typeOid("tenant_mood")).as(tenant).hasValue(oid(18, tenant + ".tenant_mood"));
            }
            await(c.simpleQuery("SET search_path TO tenant_c"));
            assertThat(await(c.query("SELECT 1")).row(0).getInt(0)).isEqualTo(1);
            assertThat(c.typeOid("tenant_mood")).as("not on tenant_c yet").isEmpty();
            await(c.simpleQuery("SET search_path TO tenant_a"));
            assertThat(await(c.query("SELECT 'sad'::tenant_mood")).row(0).get(0)).isEqualTo(Mood.SAD);

            await(ddl.simpleQuery("CREATE TYPE tenant_c.tenant_mood AS ENUM ('sad', 'ok', 'happy')"));
            await(c.simpleQuery("SET search_path TO tenant_c"));
            assertThat(await(c.query("SELECT 'happy'::tenant_mood")).row(0).get(0)).as("created on a path answered before")
                    .isEqualTo(Mood.HAPPY);
            assertThat(c.typeOid("tenant_mood")).hasValue(oid(18, "tenant_c.tenant_mood"));

            String marker = "tenants-done-" + System.nanoTime();
            await(c.query("SELECT $1::text", marker));
            awaitCondition("the server's log to show the last statement", Duration.ofSeconds(10),
                    () -> logSince(logStart).contains(marker));
            assertThat(logSince(logStart).split("statement: SELECT pg_catalog.to_regtype\\(", -1))
                    .as("one lookup each for tenant_a, tenant_b and tenant_c; after the type was created one in front of the"
                            + " SET (the epoch moved, under tenant_a) and one under tenant_c")
                    .hasSize(5 + 1);
        } finally {
            PG18.primary().execute("ALTER ROLE " + USER + " RESET log_statement");
            PG18.primary().execute("DROP SCHEMA tenant_c CASCADE");
        }
    }

    private static String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(PG18.primary().logFile());
            return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** PostgreSQL 18 reports a search_path changed anywhere: here by set_config inside a SELECT, which has no SET tag. */
    @Test
    void aSearchPathChangedInsideAQueryIsSeenOnAServerThatReportsIt() {
        PgConnectionFactory factory = factory(new MoodCodec("tenant_mood"));
        PgConnection c = connect(factory, 18, "tenant_mood");

        await(c.query("SELECT set_config('search_path', 'tenant_b', false)"));
        assertThat(c.typeOidsStale()).isTrue();

        Row row = await(c.query("SELECT 'ok'::tenant_mood")).row(0);
        assertThat(row.get(0)).isEqualTo(Mood.OK);
        assertThat(c.typeOid("tenant_mood")).hasValue(oid(18, "tenant_b.tenant_mood"));
    }
}
