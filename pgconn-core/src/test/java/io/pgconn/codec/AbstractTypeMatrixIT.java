package io.pgconn.codec;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.query.Row;
import io.pgconn.query.RowSet;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PGInterval;

import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The type matrix: for every type with a built-in codec, values (edge values included) and NULL go
 * in as parameters of an INSERT, come back through a SELECT, and must equal what was sent (or the
 * server's normal form of it) and what pgjdbc reads from the same rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTypeMatrixIT {

    static final String USER = "types_u";

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    /** Classes {@code CodecRegistry.javaType} announces for types whose values are of subclasses (or of several classes). */
    private static final java.util.Set<Class<?>> ANNOUNCED_SUPERTYPES = java.util.Set.of(Map.class, Object.class,
            Number.class, Object[].class);

    private PgConnection pgconn;
    private Connection jdbc;

    abstract PgClusterExtension pg();

    static PgClusterExtension cluster(int major) {
        return PgClusterExtension.builder()
                .name("types" + major)
                .majorVersion(major)
                .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
                .initSql("CREATE EXTENSION hstore")
                .initSql("CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)")
                .initSql("CREATE DOMAIN smallpos AS posint CHECK (VALUE < 100)")
                .initSql("CREATE DOMAIN label AS text")
                .initSql("CREATE DOMAIN spot AS point")
                .initSql("CREATE TYPE pair AS (a int4, b text)")
                .initSql("CREATE DOMAIN dbox AS box")
                .initSql("CREATE DOMAIN ddbox AS dbox")
                .initSql(COLON_DELIMITED_TYPE)
                .initSql("GRANT CREATE ON SCHEMA public TO " + USER)
                .build();
    }

    /**
     * A base type whose array elements are separated by {@code :}, as PostGIS declares {@code geometry} and
     * {@code geography} ({@code DELIMITER = ':'}), and a domain over it: its I/O functions are {@code text}'s (built-in
     * functions declared again with {@code LANGUAGE internal}, as {@code PgvectorStandIn} does), so its text may hold
     * commas ({@code a,b}), which its arrays do not quote ({@code {a,b:c}}). Run by the cluster's superuser.
     */
    static final String COLON_DELIMITED_TYPE = """
            CREATE TYPE geotext;
            CREATE FUNCTION geotext_in(cstring) RETURNS geotext LANGUAGE internal IMMUTABLE STRICT AS 'textin';
            CREATE FUNCTION geotext_out(geotext) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
            CREATE TYPE geotext (INPUT = geotext_in, OUTPUT = geotext_out, INTERNALLENGTH = VARIABLE, STORAGE = extended,
                DELIMITER = ':');
            CREATE DOMAIN dgeo AS geotext;
            """;

    /** A value of {@link #COLON_DELIMITED_TYPE}: its text. */
    record Geo(String text) {
    }

    /** A user's text codec for {@link #COLON_DELIMITED_TYPE}, as one for PostGIS' text form would be. */
    static final class GeoCodec implements Codec<Geo> {
        @Override
        public PgType type() {
            return PgType.named("geotext");
        }

        @Override
        public Class<Geo> javaType() {
            return Geo.class;
        }

        @Override
        public Format format() {
            return Format.TEXT;
        }

        @Override
        public void encode(Geo value, io.netty.buffer.ByteBuf out) {
            out.writeCharSequence(value.text(), java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(io.netty.buffer.ByteBuf value, Format format, Class<?> target) {
            return new Geo(value.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    int major() {
        return pg().primary().majorVersion();
    }

    @BeforeAll
    void connect() throws SQLException {
        // extensionTypes left at its default (hstore, vector): the connection binds hstore's OID
        pgconn = await(FACTORY.factory().connect(Connect.config(pg().primary(), USER, null, "sslmode=disable")));
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("sslmode", "disable");
        props.setProperty("binaryTransfer", "false"); // getString is then the server's own text output
        jdbc = DriverManager.getConnection(pg().primary().jdbcUrl(), props);
        try (var st = jdbc.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'"); // pgconn renders a binary timestamptz at UTC
        }
    }

    @AfterAll
    void close() throws SQLException {
        if (pgconn != null) {
            await(pgconn.close());
        }
        if (jdbc != null) {
            jdbc.close();
        }
    }

    Stream<TypeCase> cases() {
        return TypeMatrix.cases().stream().filter(c -> c.minMajor() <= major());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void roundTripsThroughParametersAndMatchesPgjdbc(TypeCase c) throws SQLException {
        String table = c.table();
        await(pgconn.simpleQuery("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int PRIMARY KEY, v " + c.sqlType() + ")"));
        List<Object> values = new ArrayList<>(c.values());
        values.add(null);
        for (int i = 0; i < values.size(); i++) {
            await(pgconn.query("INSERT INTO " + table + " (id, v) VALUES ($1, $2" + (c.cast() ? "::" + c.sqlType() : "") + ")",
                    i, values.get(i)));
        }
        RowSet rows = await(pgconn.query("SELECT id, v FROM " + table + " ORDER BY id"));
        assertThat(rows.size()).isEqualTo(values.size());
        try (PreparedStatement ps = jdbc.prepareStatement("SELECT id, v FROM " + table + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            for (int i = 0; i < values.size(); i++) {
                Row row = rows.row(i);
                assertThat(rs.next()).isTrue();
                Object sent = values.get(i);
                String what = c.sqlType() + " value #" + i;
                if (sent == null) {
                    assertThat(row.isNull(1)).as(what).isTrue();
                    assertThat(row.get(1, c.readAs())).as(what).isNull();
                    assertThat(rs.getObject(2)).as(what + " in pgjdbc").isNull();
                    continue;
                }
                Object read = row.get(1, c.readAs());
                assertThat(deep(read)).as(what + " read by pgconn").isEqualTo(deep(c.expected().apply(sent)));
                Object readAsObject = row.get(1);
                assertThat(readAsObject).as(what + " read as Object").isNotNull();
                // the class the registry announces for the column (R2DBC's ColumnMetadata.getJavaType(), NEW-USER-27 F4)
                Class<?> announced = pgconn.codecs().javaType(row.getOid(1), Format.ofCode(row.metadata().column(1).format()));
                assertThat(readAsObject).as(what + " read as Object, against the announced class").isInstanceOf(announced);
                assertThat(announced == readAsObject.getClass() || ANNOUNCED_SUPERTYPES.contains(announced))
                        .as(what + ": announced " + announced.getName() + ", read " + readAsObject.getClass().getName()).isTrue();
                assertThat(row.get(1, String.class)).as(what + " read as String").isEqualTo(rs.getString(2));
                if (c.element() == null) {
                    assertThat(c.jdbc().read(rs, 2)).as(what + " read by pgjdbc").isEqualTo(read);
                } else {
                    assertElementsMatchPgjdbc(c, table, i, (List<?>) read);
                }
            }
        }
    }

    /** pgjdbc reads the array's elements one per row through unnest, with the element type's reader. */
    private void assertElementsMatchPgjdbc(TypeCase c, String table, int id, List<?> read) throws SQLException {
        try (PreparedStatement ps = jdbc.prepareStatement(
                "SELECT x FROM " + table + ", unnest(v) WITH ORDINALITY AS u(x, n) WHERE id = ? ORDER BY n")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                List<Object> elements = new ArrayList<>();
                while (rs.next()) {
                    elements.add(rs.getObject(1) == null ? null : c.element().jdbc().read(rs, 1));
                }
                assertThat(deep(read)).as(c.sqlType() + " value #" + id + " read by pgjdbc").isEqualTo(deep(elements));
            }
        }
    }

    /** Lists as arrays, so that AssertJ compares byte[] elements by content. */
    private static Object deep(Object value) {
        return value instanceof List<?> list ? list.toArray() : value;
    }

    /**
     * Two-dimensional arrays (session 28; they were refused, "only one-dimensional arrays"): read as nested arrays of the
     * element class ({@code Integer[][]}, as pgjdbc's {@code getArray()} gives them), as {@code int[][]}/{@code String[][]}
     * or nested lists when asked, and written from rectangular arrays of arrays; the server sees their dimensions.
     */
    @Test
    void twoDimensionalArraysReadAndWriteAsNestedArrays() throws SQLException {
        Row literal = await(pgconn.query("SELECT '{{1,2,3},{4,NULL,6}}'::int4[] AS a, '{{a,\"b c\"},{NULL,\"{}\"}}'::text[] AS t")).row(0);
        assertThat(literal.get("a")).isEqualTo(new Integer[][] {{1, 2, 3}, {4, null, 6}});
        assertThat(literal.get("a", Integer[][].class)).isEqualTo(new Integer[][] {{1, 2, 3}, {4, null, 6}});
        assertThat(literal.get("a", List.class)).isEqualTo(List.of(List.of(1, 2, 3), java.util.Arrays.asList(4, null, 6)));
        assertThat(literal.get("t", String[][].class)).isEqualTo(new String[][] {{"a", "b c"}, {null, "{}"}});
        assertThatThrownBy(() -> literal.get("a", int[][].class)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("NULL elements");
        assertThatThrownBy(() -> literal.get("a", Integer[].class)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("2-dimensional int4[] value as Integer[]");
        try (PreparedStatement ps = jdbc.prepareStatement("SELECT '{{1,2,3},{4,NULL,6}}'::int4[]"); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getArray(1).getArray()).as("pgjdbc").isEqualTo(literal.get("a"));
        }

        Row sent = await(pgconn.query("SELECT $1::int4[] AS a, array_dims($1::int4[]) AS d, $2::text[] AS t, array_dims($2::text[]) AS td,"
                        + " $3::float8[] AS f, ($2::text[])[2][1] AS cell",
                new int[][] {{1, 2}, {3, 4}, {5, 6}}, new String[][] {{"x", null}, {"y \"z\"", "{,}"}}, new Double[][][] {{{1.5}, {2.5}}})).row(0);
        assertThat(sent.get("a", int[][].class)).isEqualTo(new int[][] {{1, 2}, {3, 4}, {5, 6}});
        assertThat(sent.get("d", String.class)).isEqualTo("[1:3][1:2]");
        assertThat(sent.get("t")).isEqualTo(new String[][] {{"x", null}, {"y \"z\"", "{,}"}});
        assertThat(sent.get("td", String.class)).isEqualTo("[1:2][1:2]");
        assertThat(sent.get("cell", String.class)).isEqualTo("y \"z\"");
        assertThat(sent.get("f")).isEqualTo(new Double[][][] {{{1.5}, {2.5}}});
        assertThat(sent.get("a", String.class)).isEqualTo("{{1,2},{3,4},{5,6}}");

        assertThatThrownBy(() -> await(pgconn.query("SELECT $1::int4[]", (Object) new int[][] {{1, 2}, {3}})))
                .isInstanceOf(PgConversionException.class).hasMessageContaining("rectangular");
        assertThat(await(pgconn.query("SELECT $1::int4[] AS e", (Object) new int[][] {{}, {}})).row(0).get("e", int[][].class))
                .as("no elements: the empty array").isEqualTo(new int[0][]);
    }

    /** A typed NULL of every built-in type, and every type's OID as pgconn reports it. */
    @Test
    void typedNullsAndOids() {
        RowSet rows = await(pgconn.query("SELECT NULL::int4, NULL::text[], $1::int8, $2::hstore",
                null, Map.of("k", "v")));
        Row row = rows.row(0);
        assertThat(row.isNull(0)).isTrue();
        assertThat(row.isNull(1)).isTrue();
        assertThat(row.isNull(2)).isTrue();
        assertThat(row.getOid(0)).isEqualTo(Oids.INT4);
        assertThat(row.getOid(1)).isEqualTo(Oids.TEXT_ARRAY);
        assertThat(row.get(3)).isEqualTo(Map.of("k", "v"));
        assertThat(pgconn.typeOid("hstore")).hasValue(row.getOid(3));
    }

    /**
     * hstore[]: the array type of a named type is bound with it, so its values go both ways in the
     * binary array form with NULL elements, and read as String they are the server's own text.
     */
    @Test
    void hstoreArraysRoundTripAndReadAsTheServersText() {
        Map<String, String> first = new java.util.LinkedHashMap<>();
        first.put("k", "v, \"q\" \\ {x}");
        first.put("n", null);
        List<Map<String, String>> sent = java.util.Arrays.asList(first, null, Map.of());
        Row row = await(pgconn.query("SELECT $1::hstore[] AS a, ($1::hstore[])::text AS t, ($1::hstore[])[2] IS NULL AS second_null",
                sent)).row(0);
        assertThat(pgconn.typeOid("hstore[]")).hasValue(row.getOid(0));
        assertThat(row.get("second_null")).isEqualTo(true);
        assertThat(row.get("a", List.class)).isEqualTo(sent);
        assertThat(row.get("a", String.class)).isEqualTo(row.get("t", String.class));
    }

    /** Random float8 and float4 bit patterns read as String: the same text as the server's own ::text. */
    @Test
    void floatsReadAsStringAreTheServersShortestText() {
        java.util.Random random = new java.util.Random(major());
        double[] doubles = new double[3000];
        float[] floats = new float[3000];
        for (int i = 0; i < doubles.length; i++) {
            do {
                doubles[i] = i % 3 == 0 ? random.nextDouble() * Math.pow(10, random.nextInt(40) - 20)
                        : Double.longBitsToDouble(random.nextLong());
            } while (Double.isNaN(doubles[i]) || Double.isInfinite(doubles[i]));
            do {
                floats[i] = i % 3 == 0 ? (float) (random.nextFloat() * Math.pow(10, random.nextInt(16) - 8))
                        : Float.intBitsToFloat(random.nextInt());
            } while (Float.isNaN(floats[i]) || Float.isInfinite(floats[i]));
        }
        for (Row row : await(pgconn.query("SELECT v, v::text FROM unnest($1::float8[]) v", (Object) doubles))) {
            assertThat(row.get(0, String.class)).as("float8 %s", row.get(0)).isEqualTo(row.get(1));
        }
        for (Row row : await(pgconn.query("SELECT v, v::text FROM unnest($1::float4[]) v", (Object) floats))) {
            assertThat(row.get(0, String.class)).as("float4 %s", row.get(0)).isEqualTo(row.get(1));
        }
    }

    /** A type without a codec comes back as its text, with its OID. */
    @Test
    void unknownTypesComeBackAsTextWithTheirOid() {
        Row row = await(pgconn.query("SELECT point(1, 2) AS p, '[1,5)'::int4range AS r")).row(0);
        assertThat(row.get(0)).isEqualTo("(1,2)");
        assertThat(row.getOid(0)).isEqualTo(600);
        assertThat(row.get("r", String.class)).isEqualTo("[1,5)");
        assertThat(row.getOid(1)).isEqualTo(3904);
    }

    /**
     * Session 31: an array of a built-in type without a codec reads as {@code String[]} of its elements' text — each as
     * the server prints the element ({@code unnest(a)::text}), NULL elements as null, {@code box[]} split at its
     * {@code ;} — and as {@code String} still as the server's text; until then one {@code String}, and
     * {@code String[]} was refused. A {@code String[]} goes into such a column with a cast ({@code $1::point[]}), as
     * into an enum array: it is a {@code text[]}.
     */
    @Test
    void builtInArraysOfTypesWithoutACodecReadAsStringArraysOfTheirElementsText() {
        List<String[]> arrays = List.of( // type name, an array of it
                new String[] {"point[]", "ARRAY[point(1, 2), NULL, point(-1.5, 3)]"},
                new String[] {"point[]", "'{}'::point[]"},
                new String[] {"box[]", "ARRAY[box(point(1, 2), point(3, 4)), NULL, box(point(0, 0), point(-1, -1))]"},
                new String[] {"int4range[]", "ARRAY['[1,5)'::int4range, 'empty', NULL]"},
                new String[] {"int4multirange[]", "ARRAY['{[1,2), [5,9)}'::int4multirange]"},
                new String[] {"tsvector[]", "ARRAY['a b'::tsvector, 'it''s \"q\"'::tsvector]"},
                new String[] {"record[]", "ARRAY[row(1, 'a, \"b\" {c}'), row(2, NULL)]"},
                new String[] {"bit[]", "ARRAY[B'101', B'0']"},
                new String[] {"macaddr[]", "ARRAY['08:00:2b:01:02:03'::macaddr]"},
                new String[] {"regclass[]", "ARRAY['pg_class'::regclass]"});
        for (String[] typeAndArray : arrays) {
            String name = typeAndArray[0];
            String array = typeAndArray[1];
            Row row = await(pgconn.query("SELECT " + array + " AS a, ARRAY(SELECT unnest(" + array + ")::text) AS e, ("
                    + array + ")::text AS t")).row(0);
            assertThat(row.get("a")).as(array).isEqualTo(row.get("e", String[].class));
            assertThat(row.get("a", String[].class)).as(array).isEqualTo(row.get("e", String[].class));
            assertThat(row.get("a", String.class)).as(array + " as String").isEqualTo(row.get("t"));
            assertThat(pgconn.codecs().typeName(row.getOid(0))).isEqualTo(name);
            assertThat(pgconn.codecs().javaType(row.getOid(0), Format.TEXT)).isEqualTo(String[].class);
        }
        Row twoDimensional = await(pgconn.query("SELECT ARRAY[ARRAY[point(1, 2), NULL], ARRAY[point(3, 4), point(5, 6)]] AS a")).row(0);
        assertThat(twoDimensional.get("a")).isEqualTo(new String[][] {{"(1,2)", null}, {"(3,4)", "(5,6)"}});

        await(pgconn.query("CREATE TEMP TABLE shapes (pts point[])"));
        String[] points = {"(1,2)", null};
        await(pgconn.query("INSERT INTO shapes VALUES ($1::point[])", (Object) points));
        assertThat(await(pgconn.query("SELECT pts FROM shapes")).row(0).get(0)).isEqualTo(points);
    }

    /**
     * Session 31: a domain reads as its base type (the server describes a domain's column as its base type), and the
     * arrays of a domain listed in {@code extensionTypes} read through the base type's codec — {@code posint[]} as
     * {@code Integer[]} (binary), {@code label[]} as {@code String[]}, {@code spot[]} (over {@code point}, which has no
     * codec) as {@code String[]} of each point's text — and a listed composite's arrays as {@code String[]} of each
     * row's text; they were one {@code String}. The base type's Java arrays are written into such columns as they are
     * ({@code Integer[]} into {@code posint[]}: the server's assignment cast checks the domain). Unlisted, a domain's
     * or a composite's array stays one {@code String} (finding every domain of a database is a catalog scan).
     */
    @Test
    void listedDomainsAndCompositesArraysReadThroughTheBaseTypeOrAsTheirRowsText() {
        PgConnection listed = await(FACTORY.factory().connect(Connect.config(pg().primary(), USER, null,
                "sslmode=disable extensionTypes=hstore,posint,smallpos,label,spot,pair")));
        try {
            String sql = "SELECT 7::posint AS d, ARRAY[1, NULL, 3]::posint[] AS ds, ARRAY['a b', NULL]::label[] AS ls,"
                    + " ARRAY[point(1, 2)]::spot[] AS ps, ARRAY[row(1, 'x, \"y\"'), NULL]::pair[] AS cs,"
                    + " ARRAY[ARRAY[1, 2], ARRAY[3, 4]]::posint[] AS d2, '{}'::posint[] AS de, ARRAY[5]::smallpos[] AS dd";
            Row row = await(listed.query(sql)).row(0);
            assertThat(row.get("d")).isEqualTo(7);
            assertThat(row.get("ds")).isEqualTo(new Integer[] {1, null, 3});
            assertThat(row.get("ds", List.class)).isEqualTo(Arrays.asList(1, null, 3));
            assertThat(row.get("ds", String.class)).isEqualTo("{1,NULL,3}");
            assertThat(row.get("ls")).isEqualTo(new String[] {"a b", null});
            assertThat(row.get("ps")).isEqualTo(new String[] {"(1,2)"});
            assertThat(row.get("cs")).isEqualTo(new String[] {"(1,\"x, \"\"y\"\"\")", null});
            assertThat(row.get("d2")).isEqualTo(new Integer[][] {{1, 2}, {3, 4}});
            assertThat(row.get("de")).isEqualTo(new Integer[0]);
            assertThat(row.get("dd")).as("a domain over a listed domain").isEqualTo(new Integer[] {5});
            assertThat(listed.codecs().typeName(row.getOid(1))).isEqualTo("posint[]");
            assertThat(listed.codecs().javaType(row.getOid(1), Format.BINARY)).isEqualTo(Integer[].class);
            assertThat(listed.codecs().typeName(row.getOid(4))).isEqualTo("pair[]");

            await(listed.query("CREATE TEMP TABLE domained (ds posint[], cs pair[])"));
            await(listed.query("INSERT INTO domained VALUES ($1, $2::pair[])", new Integer[] {5, null}, new String[] {"(2,z)"}));
            Row back = await(listed.query("SELECT ds, cs FROM domained")).row(0);
            assertThat(back.get("ds")).isEqualTo(new Integer[] {5, null});
            assertThat(back.get("cs")).isEqualTo(new String[] {"(2,z)"});
            assertThat(catchThrowable(() -> await(listed.query("INSERT INTO domained (ds) VALUES ($1)", (Object) new Integer[] {-1}))))
                    .as("the domain's check, on the server").hasMessageContaining("posint");

            Row unlisted = await(pgconn.query("SELECT ARRAY[1, 2]::posint[] AS ds, ARRAY[row(1, 'x')]::pair[] AS cs")).row(0);
            assertThat(unlisted.get("ds")).as("not listed: the array's text").isEqualTo("{1,2}");
            assertThat(unlisted.get("cs")).isEqualTo("{\"(1,x)\"}");
        } finally {
            await(listed.close());
        }
    }

    /**
     * REVIEW-32 R32-5: a listed domain takes its base type's array delimiter — over {@code box} (or over a domain over
     * it) {@code ;} — and a type created with {@code DELIMITER = ':'} (PostGIS') has its own: their arrays read as the
     * server's elements ({@code unnest(a)::text}), each array as {@code String} still the server's text. Until then
     * they were split at {@code ,}: two boxes read as seven strings. With a text codec of one's own for the
     * {@code :} type, its arrays (and a listed domain's over it) read as the codec's class and are written with
     * {@code :} between elements (with {@code ,} the server refused them as malformed).
     */
    @Test
    void listedTypesArraysAreSplitAtTheirOwnDelimiter() {
        PgConnection listed = await(FACTORY.factory().connect(Connect.config(pg().primary(), USER, null,
                "sslmode=disable extensionTypes=dbox,ddbox,dgeo")));
        try {
            List<String> arrays = List.of(
                    "ARRAY[box(point(1, 2), point(3, 4)), NULL, box(point(0, 0), point(1, 1))]::dbox[]",
                    "ARRAY[box(point(1, 2), point(3, 4)), box(point(0, 0), point(-1, -1))]::ddbox[]",
                    "ARRAY[ARRAY[box(point(1, 2), point(3, 4))], ARRAY[box(point(5, 6), point(7, 8))]]::dbox[]",
                    "ARRAY['a,b', NULL, 'c:d', 'e f', '']::dgeo[]");
            for (String array : arrays) {
                Row row = await(listed.query("SELECT " + array + " AS a, ARRAY(SELECT unnest(" + array + ")::text) AS e, ("
                        + array + ")::text AS t")).row(0);
                String[] elements = row.get("e", String[].class);
                Object read = row.get("a");
                Object flat = read instanceof String[][] nested ? Stream.of(nested).flatMap(Stream::of).toArray(String[]::new) : read;
                assertThat(flat).as(array).isEqualTo(elements);
                assertThat(row.get("a", List.class)).as(array).hasSize(read instanceof String[][] nested ? nested.length : elements.length);
                assertThat(row.get("a", String.class)).as(array + " as String").isEqualTo(row.get("t"));
            }
        } finally {
            await(listed.close());
        }

        CodecRegistry codecs = CodecRegistry.builder().register(new GeoCodec()).build();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(io.pgconn.config.ConnConfig.builder().build()).threads(1)
                .codecs(codecs).build()) {
            PgConnection geo = await(factory.connect(Connect.config(pg().primary(), USER, null,
                    "sslmode=disable extensionTypes=geotext,dgeo")));
            try {
                Row row = await(geo.query("SELECT ARRAY['a,b', NULL, 'c:d']::geotext[] AS g, ARRAY['x,y', 'z']::dgeo[] AS d")).row(0);
                assertThat(row.get("g")).isEqualTo(new Geo[] {new Geo("a,b"), null, new Geo("c:d")});
                assertThat(row.get("d")).as("a listed domain over it, through its codec").isEqualTo(new Geo[] {new Geo("x,y"), new Geo("z")});

                await(geo.query("CREATE TEMP TABLE geos (g geotext[])"));
                Geo[] written = {new Geo("p,q"), null, new Geo("r:s"), new Geo("t")};
                await(geo.query("INSERT INTO geos VALUES ($1)", (Object) written));
                Row back = await(geo.query("SELECT g, ARRAY(SELECT unnest(g)::text) AS e FROM geos")).row(0);
                assertThat(back.get("e", String[].class)).as("the server's elements").isEqualTo(new String[] {"p,q", null, "r:s", "t"});
                assertThat(back.get("g")).isEqualTo(written);
            } finally {
                await(geo.close());
            }
        }
    }

    // ------------------------------------------------------------------ pgjdbc readers, in pgconn's terms

    static TypeCase.JdbcRead object(Class<?> type) {
        return (rs, i) -> rs.getObject(i, type);
    }

    static Object numeric(ResultSet rs, int i) throws SQLException {
        String s = rs.getString(i);
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> new BigDecimal(s);
        };
    }

    static Object interval(ResultSet rs, int i) throws SQLException {
        PGInterval p = (PGInterval) rs.getObject(i);
        long micros = ((p.getHours() * 60L + p.getMinutes()) * 60L + p.getWholeSeconds()) * 1_000_000L + p.getMicroSeconds();
        return new PgInterval(p.getYears() * 12 + p.getMonths(), p.getDays(), micros);
    }

    /** inet/cidr as pgjdbc's text, parsed into what pgconn reads (IPv4-mapped IPv6 kept as IPv6). */
    static Object inet(ResultSet rs, int i) throws SQLException {
        String text = rs.getString(i);
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = literal(host);
        int bits = address.getAddress().length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        boolean cidr = "cidr".equals(rs.getMetaData().getColumnTypeName(i));
        return cidr || prefix != bits ? new Cidr(address, prefix) : address;
    }

    static InetAddress literal(String host) {
        try {
            InetAddress parsed = InetAddress.getByName(host); // a literal: no lookup
            if (host.contains(":") && parsed.getAddress().length == 4) { // ::ffff:a.b.c.d, which Java folds to IPv4
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
                return Inet6Address.getByAddress(null, mapped, null);
            }
            return parsed;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Object hstore(ResultSet rs, int i) throws SQLException {
        return new HashMap<>((Map<String, String>) rs.getObject(i));
    }

    static Object string(ResultSet rs, int i) throws SQLException {
        return rs.getString(i);
    }

    /** The values and readers of every type. */
    static final class TypeMatrix {

        static List<TypeCase> cases() {
            List<TypeCase> cases = new ArrayList<>();
            TypeCase bool = TypeCase.of("bool", Boolean.class, object(Boolean.class), true, false);
            TypeCase int2 = TypeCase.of("int2", Short.class, (rs, i) -> rs.getShort(i), Short.MIN_VALUE, Short.MAX_VALUE, (short) 0);
            TypeCase int4 = TypeCase.of("int4", Integer.class, object(Integer.class), Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1);
            TypeCase int8 = TypeCase.of("int8", Long.class, object(Long.class), Long.MIN_VALUE, Long.MAX_VALUE, 0L);
            TypeCase float4 = TypeCase.of("float4", Float.class, (rs, i) -> rs.getFloat(i),
                    Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 3.14159f, -0.0f, 1e6f, 123456f, 1e-4f, 1.5e-5f, 0.1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
            TypeCase float8 = TypeCase.of("float8", Double.class, (rs, i) -> rs.getDouble(i),
                    Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Math.PI, 1e-300, 1e15, 1e14, 123456789012345680d,
                    1e-4, 1e-5, 0.1, 2e-3, 1e23, 5e-324, -0.0, Double.NaN,
                    Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
            String big = "9".repeat(120) + "." + "0123456789".repeat(5);
            TypeCase numeric = TypeCase.of("numeric", Object.class, AbstractTypeMatrixIT::numeric,
                    BigDecimal.ZERO, new BigDecimal("0.00"), new BigDecimal("-1.5"), new BigDecimal(big), new BigDecimal("-" + big),
                    new BigDecimal("0.000000000000000000000001"), new BigDecimal("1E+30"), new BigDecimal("123456789012345678901234567890"),
                    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                    // a BigDecimal comes back with the scale it was sent with (1E+30 has none: scale 0)
                    .expecting(v -> v instanceof BigDecimal b ? b.setScale(Math.max(0, b.scale())) : v);
            String unicode = "ünïcödé ✓ 𝄞 😀 日本語 \"quoted\" 'single' back\\slash, comma {brace} NULL";
            TypeCase text = TypeCase.of("text", String.class, AbstractTypeMatrixIT::string, "", unicode, "x".repeat(100_000), " padded ");
            TypeCase varchar = TypeCase.of("varchar(200)", String.class, AbstractTypeMatrixIT::string, "", unicode);
            TypeCase bpchar = TypeCase.of("char(5)", String.class, AbstractTypeMatrixIT::string, "ab", "", "ü✓")
                    .expecting(v -> String.format("%-5s", v));
            TypeCase name = TypeCase.of("name", String.class, AbstractTypeMatrixIT::string, "pg_catalog", "ünï", "");
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            TypeCase bytea = TypeCase.of("bytea", byte[].class, (rs, i) -> rs.getBytes(i), new byte[0], all, new byte[200_000]);
            TypeCase uuid = TypeCase.of("uuid", UUID.class, object(UUID.class),
                    UUID.randomUUID(), new UUID(0, 0), new UUID(-1, -1));
            TypeCase date = TypeCase.of("date", LocalDate.class, object(LocalDate.class),
                    LocalDate.of(2024, 2, 29), LocalDate.of(2000, 1, 1), LocalDate.of(1970, 1, 1), LocalDate.of(1900, 2, 28),
                    LocalDate.of(-43, 3, 15), LocalDate.of(-4712, 1, 1), LocalDate.of(0, 12, 31), LocalDate.of(5874897, 12, 31),
                    LocalDate.MAX, LocalDate.MIN);
            TypeCase time = TypeCase.of("time", LocalTime.class, object(LocalTime.class),
                    LocalTime.MIDNIGHT, LocalTime.of(23, 59, 59, 999_999_000), LocalTime.of(12, 34, 56, 789_000_000), LocalTime.MAX);
            TypeCase timetz = TypeCase.of("timetz", OffsetTime.class, object(OffsetTime.class),
                    OffsetTime.of(12, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)),
                    OffsetTime.of(0, 0, 0, 0, ZoneOffset.ofHoursMinutes(-15, -59)),
                    OffsetTime.of(23, 59, 59, 999_999_000, ZoneOffset.UTC));
            TypeCase timestamp = TypeCase.of("timestamp", LocalDateTime.class, object(LocalDateTime.class),
                    LocalDateTime.of(2024, 2, 29, 12, 0), LocalDateTime.of(1970, 1, 1, 0, 0),
                    LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000), LocalDateTime.of(-99, 1, 1, 0, 0),
                    LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000), LocalDateTime.of(-4713, 11, 24, 0, 0),
                    LocalDateTime.MAX, LocalDateTime.MIN);
            TypeCase timestamptz = TypeCase.of("timestamptz", OffsetDateTime.class, object(OffsetDateTime.class),
                    OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 0, ZoneOffset.ofHours(2)),
                    OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 1000, ZoneOffset.UTC),
                    OffsetDateTime.of(-99, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                    Instant.parse("2038-01-19T03:14:08Z"),
                    OffsetDateTime.MAX, OffsetDateTime.MIN)
                    .expecting(v -> v instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC)
                            : v.equals(OffsetDateTime.MAX) || v.equals(OffsetDateTime.MIN) ? v
                            : ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC));
            TypeCase interval = TypeCase.of("interval", PgInterval.class, AbstractTypeMatrixIT::interval,
                    PgInterval.ZERO, new PgInterval(14, 3, 4_005_006), new PgInterval(-1, -2, -3_000_001),
                    new PgInterval(0, 0, 86_400_000_000L * 40), java.time.Duration.ofMillis(1500), java.time.Period.of(1, 2, 3))
                    .expecting(v -> v instanceof java.time.Duration d ? PgInterval.of(d) : v instanceof java.time.Period p ? PgInterval.of(p) : v);
            TypeCase json = TypeCase.of("json", String.class, AbstractTypeMatrixIT::string,
                    "{\"b\": 1, \"a\": [true, null, \"ü✓\"]}", "[]", "\"\"", "12.50");
            TypeCase jsonb = TypeCase.of("jsonb", String.class, AbstractTypeMatrixIT::string,
                    "{\"b\": 1,   \"a\": [true, null, \"ü✓\"]}", Json.of("{\"k\": \"v\"}"), "[]", "12.50")
                    .expecting(v -> v instanceof Json j ? j.text() : v.equals("{\"b\": 1,   \"a\": [true, null, \"ü✓\"]}")
                            ? "{\"a\": [true, null, \"ü✓\"], \"b\": 1}" : v);
            TypeCase oid = TypeCase.of("oid", Long.class, (rs, i) -> rs.getLong(i), 0L, 4_294_967_295L, 26L);
            TypeCase inet = TypeCase.of("inet", Object.class, AbstractTypeMatrixIT::inet,
                    literal("192.168.0.1"), literal("::1"), literal("::ffff:1.2.3.4"), literal("2001:db8::ff00:42:8329"),
                    new Cidr(literal("10.0.0.0"), 8), "10.1.2.3/8", "2001:db8::1/64")
                    .expecting(v -> v instanceof String s ? new Cidr(literal(s.substring(0, s.indexOf('/'))),
                            Integer.parseInt(s.substring(s.indexOf('/') + 1))) : v);
            TypeCase cidr = TypeCase.of("cidr", Cidr.class, AbstractTypeMatrixIT::inet,
                    new Cidr(literal("10.0.0.0"), 8), new Cidr(literal("192.168.1.0"), 24), new Cidr(literal("::"), 0),
                    new Cidr(literal("2001:db8::"), 32), new Cidr(literal("1.2.3.4"), 32));
            Map<String, String> withNull = new LinkedHashMap<>();
            withNull.put("a", "1");
            withNull.put("ü✓", "日本");
            withNull.put("nothing", null);
            withNull.put("", "");
            withNull.put("quote\"d", "back\\slash => x");
            TypeCase hstore = TypeCase.of("hstore", Map.class, AbstractTypeMatrixIT::hstore, withNull, Map.of());

            cases.addAll(List.of(bool, int2, int4, int8, float4, float8, numeric, text, varchar, bpchar, name,
                    bytea, uuid, date, time, timetz, timestamp, timestamptz, interval, json, jsonb, oid, inet, cidr, hstore));
            cases.add(TypeCase.of("interval", PgInterval.class, AbstractTypeMatrixIT::intervalOrInfinity,
                    PgInterval.POSITIVE_INFINITY, PgInterval.NEGATIVE_INFINITY).since(17));

            // one-dimensional arrays, with NULL elements, empty, and all-NULL
            cases.add(bool.arrayOf("bool[]", List.of(true, false), Arrays.asList(null, true), List.of()));
            cases.add(int2.arrayOf("int2[]", List.of((short) 1, Short.MIN_VALUE)));
            cases.add(int4.arrayOf("int4[]", Arrays.asList(1, null, 3), List.of(), Arrays.asList((Object) null),
                    List.of(Integer.MAX_VALUE, Integer.MIN_VALUE)));
            cases.add(int8.arrayOf("int8[]", Arrays.asList(Long.MAX_VALUE, null)));
            cases.add(float4.arrayOf("float4[]", Arrays.asList(Float.NaN, null, 1.5f, Float.NEGATIVE_INFINITY)));
            cases.add(float8.arrayOf("float8[]", Arrays.asList(Double.NaN, null, -0.0, Double.POSITIVE_INFINITY)));
            cases.add(numeric.arrayOf("numeric[]", Arrays.asList(new BigDecimal("1.50"), null, new BigDecimal(big))));
            cases.add(text.arrayOf("text[]", Arrays.asList(unicode, null, "", "NULL", "a,b", "{x}", " "), List.of(),
                    Arrays.asList(null, null)));
            cases.add(varchar.arrayOf("varchar[]", Arrays.asList("a", null)));
            cases.add(bpchar.arrayOf("char(3)[]", Arrays.asList("abc", null)));
            cases.add(name.arrayOf("name[]", Arrays.asList("pg_catalog", null)));
            cases.add(bytea.arrayOf("bytea[]", Arrays.asList(all, null, new byte[0])));
            cases.add(uuid.arrayOf("uuid[]", Arrays.asList(new UUID(1, 2), null)));
            cases.add(date.arrayOf("date[]", Arrays.asList(LocalDate.of(2024, 2, 29), null, LocalDate.MAX, LocalDate.of(-43, 3, 15))));
            cases.add(time.arrayOf("time[]", Arrays.asList(LocalTime.NOON, null, LocalTime.MAX)));
            cases.add(timetz.arrayOf("timetz[]", Arrays.asList(OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHours(-3)), null)));
            cases.add(timestamp.arrayOf("timestamp[]", Arrays.asList(LocalDateTime.of(2024, 2, 29, 1, 2), null, LocalDateTime.MIN)));
            cases.add(timestamptz.arrayOf("timestamptz[]", Arrays.asList(OffsetDateTime.of(2024, 2, 29, 1, 2, 3, 0, ZoneOffset.UTC),
                    null, OffsetDateTime.MAX)));
            cases.add(interval.arrayOf("interval[]", Arrays.asList(new PgInterval(1, 2, 3), null)));
            cases.add(inet.arrayOf("inet[]", Arrays.asList(literal("::1"), null, literal("10.0.0.1"))));
            cases.add(cidr.arrayOf("cidr[]", Arrays.asList(new Cidr(literal("10.0.0.0"), 8), null)));
            cases.add(oid.arrayOf("oid[]", Arrays.asList(1L, null, 4_294_967_295L)));
            cases.add(json.arrayOf("json[]", Arrays.asList("{\"a\": 1}", null)).castParameter());
            cases.add(jsonb.arrayOf("jsonb[]", Arrays.asList("{\"a\": 1}", null)).castParameter());
            cases.add(jsonb.arrayOf("jsonb[] ", Arrays.asList(Json.of("{\"b\": 2}"), null))
                    .expecting(v -> ((List<?>) v).stream().map(j -> j == null ? null : ((Json) j).text()).toList()));
            return cases;
        }

        private TypeMatrix() {
        }
    }

    static Object intervalOrInfinity(ResultSet rs, int i) throws SQLException {
        String s = rs.getString(i);
        return switch (s) {
            case "infinity" -> PgInterval.POSITIVE_INFINITY;
            case "-infinity" -> PgInterval.NEGATIVE_INFINITY;
            default -> interval(rs, i);
        };
    }
}
