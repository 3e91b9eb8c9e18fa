package io.pgconn.codec;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.query.Row;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Session 29: arrays of PostgreSQL enums on a real server, against pgjdbc. Without a codec for the enum an enum array
 * reads as {@code String[]} of its labels (it read as one {@code String}, the array's literal); a Java enum without a
 * codec is written by name, untyped, and arrays of them as an untyped text array, which an enum column or an enum array
 * column takes without a cast (a Java enum was refused); arrays of a text codec's type of two dimensions both ways (were
 * refused both ways).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractEnumArraysIT {

    static final String USER = "enum_u";

    /** A label with a space, a comma, quotes and braces: quoted by array_out, and by pgconn when written. */
    private static final String ODD = "a b, \"c\" {d} \\";

    /** Its Java names are the labels of the PostgreSQL enum {@code level}; no codec is registered for it. */
    enum Level { LOW, HIGH }

    abstract PgClusterExtension pg();

    static PgClusterExtension cluster(int major) {
        return PgClusterExtension.builder()
                .name("enumarrays" + major)
                .majorVersion(major)
                .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
                .initSql("CREATE TYPE level AS ENUM ('LOW', 'HIGH', '" + ODD.replace("'", "''") + "')")
                .initSql("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
                .initSql("CREATE TYPE \"Odd, na:me\" AS ENUM ('x', 'y')") // the lookup's list of names must keep it whole
                .initSql("CREATE TABLE levels (id int PRIMARY KEY, ls level[], l level)")
                .initSql("GRANT ALL ON levels TO " + USER)
                .initSql("GRANT CREATE ON SCHEMA public TO " + USER)
                .initSql("CREATE DATABASE legacy OWNER " + USER + " ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
                .build();
    }

    private PgConnectionFactory factory;
    private Connection jdbc;

    @BeforeAll
    void factoryAndPgjdbc() throws SQLException {
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1)
                .codecs(CodecRegistry.builder().register(new MoodCodec()).build()).build();
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("sslmode", "disable");
        jdbc = DriverManager.getConnection(pg().primary().jdbcUrl(), props);
    }

    @AfterAll
    void close() throws SQLException {
        if (factory != null) {
            factory.close();
        }
        if (jdbc != null) {
            jdbc.close();
        }
    }

    private PgConnection connect(String extensionTypes) {
        return await(factory.connect(Connect.config(pg().primary(), USER, null, "sslmode=disable extensionTypes=" + extensionTypes)));
    }

    private static final String ARRAYS = "SELECT ARRAY['LOW', NULL, $$" + ODD + "$$]::level[] AS a,"
            + " '{{LOW,HIGH},{HIGH,NULL}}'::level[] AS b, '{}'::level[] AS e, '[0:1]={HIGH,LOW}'::level[] AS d";

    @Test
    void anEnumArrayWithoutACodecReadsAsStringArraysOfItsLabelsAsPgjdbcReadsIt() throws SQLException {
        PgConnection c = connect("hstore,vector"); // the default: level is not among them, and has no codec
        try {
            Row row = await(c.query(ARRAYS)).row(0);
            String[] a = {"LOW", null, ODD};
            assertThat(row.get("a")).isEqualTo(a);
            assertThat(row.get("a", String[].class)).isEqualTo(a);
            assertThat(row.get("a", List.class)).isEqualTo(Arrays.asList(a));
            assertThat(row.get("a", String.class)).as("as String: the server's text").startsWith("{LOW,NULL,\"a b, \\\"c\\\"");
            assertThat(row.get("b")).isEqualTo(new String[][] {{"LOW", "HIGH"}, {"HIGH", null}});
            assertThat(row.get("e")).isEqualTo(new String[0]);
            assertThat(row.get("d")).isEqualTo(new String[] {"HIGH", "LOW"});
            assertThat(c.codecs().javaType(row.getOid(0), Format.TEXT)).isEqualTo(String[].class);
            assertThat(c.codecs().typeName(row.getOid(0))).as("R29-14: the enum's own array name, not enum[]").isEqualTo("level[]");
            Row odd = await(c.query("SELECT '{y,x}'::\"Odd, na:me\"[] AS o")).row(0);
            assertThat(odd.get("o")).isEqualTo(new String[] {"y", "x"});
            assertThat(c.codecs().typeName(odd.getOid(0))).isEqualTo("Odd, na:me[]");
            try (PreparedStatement ps = jdbc.prepareStatement(ARRAYS); ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                for (String column : List.of("a", "b", "e", "d")) {
                    assertThat(row.get(column)).as(column + " as pgjdbc reads it").isEqualTo(rs.getArray(column).getArray());
                }
            }
        } finally {
            await(c.close());
        }
    }

    /**
     * REVIEW-30 R30-2: on a {@code SQL_ASCII} database (a legacy one, names in Latin-1 bytes) the lookup once failed as a
     * whole — first on a length in characters, then on a conversion to UTF-8 that validates the bytes — so no enum array
     * was found and every named codec stayed unbound. Its enum arrays read as {@code String[]}: a UTF-8 name and one with a
     * backslash by their names, the Latin-1 one (no UTF-8) as {@code enum[]}.
     */
    @Test
    void onASqlAsciiDatabaseANameThatIsNoUtf8LeavesItsArrayUnnamedAndTheLookupWhole() {
        PgConnection ddl = await(factory.connect(Connect.config(pg().primary(), USER, null, "sslmode=disable dbname=legacy")));
        try {
            await(ddl.simpleQuery("DO $$ DECLARE n text := 'latin_' || pg_catalog.convert_from('\\xe9'::bytea, 'SQL_ASCII');"
                    + " BEGIN EXECUTE format('CREATE TYPE %I AS ENUM (''a'', ''b'')', n);"
                    + " EXECUTE format('CREATE TABLE latin_t AS SELECT ''{b,a}''::%I[] AS ls', n); END $$;"
                    + " CREATE TYPE humeur_\u00e9 AS ENUM ('x'); CREATE TYPE \"back\\slash\" AS ENUM ('y')"));
        } finally {
            await(ddl.close());
        }
        PgConnection c = await(factory.connect(Connect.config(pg().primary(), USER, null,
                "sslmode=disable dbname=legacy extensionTypes=hstore,vector")));
        try {
            Row row = await(c.query("SELECT '{x}'::humeur_\u00e9[] AS u, '{y}'::\"back\\slash\"[] AS s, ls FROM latin_t")).row(0);
            assertThat(row.get("u")).isEqualTo(new String[] {"x"});
            assertThat(c.codecs().typeName(row.getOid(0))).isEqualTo("humeur_\u00e9[]");
            assertThat(row.get("s")).isEqualTo(new String[] {"y"});
            assertThat(c.codecs().typeName(row.getOid(1))).isEqualTo("back\\slash[]");
            assertThat(row.get("ls")).isEqualTo(new String[] {"b", "a"});
            assertThat(c.codecs().typeName(row.getOid(2))).isEqualTo("enum[]");
        } finally {
            await(c.close());
        }
    }

    /** An enum created after the connection opened, through the factory: the session's lookup after the DDL finds its array type. */
    @Test
    void anEnumCreatedThroughTheFactoryReadsAsStringArraysOnTheNextStatement() {
        PgConnection ddl = connect("hstore,vector");
        PgConnection reader = connect("hstore,vector");
        try {
            await(ddl.simpleQuery("CREATE TYPE late_enum AS ENUM ('x', 'y')"));
            Row row = await(reader.query("SELECT ARRAY['y', 'x']::late_enum[] AS a")).row(0);
            assertThat(row.get("a")).isEqualTo(new String[] {"y", "x"});
        } finally {
            await(ddl.close());
            await(reader.close());
        }
    }

    @Test
    void javaEnumsWithoutACodecAreWrittenByNameIntoEnumAndEnumArrayColumnsWithoutACast() throws SQLException {
        PgConnection c = connect("hstore,vector");
        try {
            await(c.query("INSERT INTO levels VALUES ($1, $2, $3), ($4, $5, $6), ($7, $8, NULL)",
                    1, new Level[] {Level.LOW, null, Level.HIGH}, Level.HIGH,
                    2, List.of(Level.HIGH), Level.LOW,
                    3, new Level[][] {{Level.LOW, Level.HIGH}, {Level.HIGH, Level.LOW}}));
            List<Row> rows = await(c.query("SELECT ls::text AS t, l::text AS lt, ls FROM levels WHERE id <= 3 ORDER BY id")).rows();
            assertThat(rows).extracting(r -> r.get("t")).containsExactly("{LOW,NULL,HIGH}", "{HIGH}", "{{LOW,HIGH},{HIGH,LOW}}");
            assertThat(rows).extracting(r -> r.get("lt")).containsExactly("HIGH", "LOW", null);
            assertThat(rows.get(0).get("ls")).isEqualTo(new String[] {"LOW", null, "HIGH"});
            assertThat(rows.get(2).get("ls")).isEqualTo(new String[][] {{"LOW", "HIGH"}, {"HIGH", "LOW"}});
            assertThat(await(c.query("SELECT count(*) FROM levels WHERE id <= 3 AND l = ANY($1)", (Object) new Level[] {Level.LOW}))
                    .row(0).get(0)).isEqualTo(1L);
            try (PreparedStatement ps = jdbc.prepareStatement("SELECT ls FROM levels WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getArray(1).getArray()).as("pgjdbc reads what was written").isEqualTo(new String[] {"LOW", null, "HIGH"});
            }
            // a String[] is a text[]: an enum[] column refuses it without a cast (42804), as with pgjdbc and r2dbc-postgresql
            assertThatThrownBy(() -> await(c.query("INSERT INTO levels VALUES (4, $1)", (Object) new String[] {"LOW"})))
                    .hasStackTraceContaining("is of type level[] but expression is of type text[]");
            await(c.query("INSERT INTO levels VALUES (4, $1::level[])", (Object) new String[] {"LOW"}));
        } finally {
            await(c.close());
        }
    }

    /** A text codec's enum (MoodCodec) in arrays of two dimensions: written from Mood[][], read as Mood[][] and as pgjdbc reads them. */
    @Test
    void twoDimensionalArraysOfAnEnumWithATextCodecReadAndWrite() throws SQLException {
        PgConnection c = connect("mood");
        try {
            Mood[][] sent = {{Mood.HAPPY, null}, {Mood.SAD, Mood.OK}};
            Row row = await(c.query("SELECT $1 AS m, $1::text AS t, '{{sad},{ok}}'::mood[] AS lit", (Object) sent)).row(0);
            assertThat(row.get("t")).isEqualTo("{{happy,NULL},{sad,ok}}");
            assertThat(row.get("m")).isEqualTo(sent);
            assertThat(row.get("m", Mood[][].class)).isEqualTo(sent);
            assertThat(row.get("m", List.class)).isEqualTo(List.of(Arrays.asList(Mood.HAPPY, null), List.of(Mood.SAD, Mood.OK)));
            assertThat(row.get("lit")).isEqualTo(new Mood[][] {{Mood.SAD}, {Mood.OK}});
            assertThatThrownBy(() -> row.get("m", Mood[].class)).isInstanceOf(PgConversionException.class)
                    .hasMessageContaining("2-dimensional");
            try (PreparedStatement ps = jdbc.prepareStatement("SELECT '{{happy,NULL},{sad,ok}}'::mood[]"); ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getArray(1).getArray()).as("pgjdbc").isEqualTo(new String[][] {{"happy", null}, {"sad", "ok"}});
            }
        } finally {
            await(c.close());
        }
    }
}
