package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.Cidr;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.PgInterval;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-27 F4: {@code ColumnMetadata.getJavaType()} (and {@code getType().getJavaType()}) is the class of what
 * {@code Row.get(i)} returns, for every kind of column — built-in scalars, arrays, {@code interval}, {@code inet},
 * {@code cidr}, enums (their label, {@code String}), json, geometric and other types read as their text, an extension's
 * ({@code hstore}) and a user codec's. It was {@code Object} for all but the scalars {@code PgType} lists. The class is
 * the value's own, or for the types whose values come in subclasses the supertype stated here ({@code Map} for hstore,
 * {@code ByteBuffer} for bytea, {@code Object} for inet, which reads as {@code InetAddress} for a host and as {@code Cidr} for
 * a network, {@code Object[]} for numeric[] and inet[], whose elements may differ in class).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractColumnJavaTypeIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    /** Announced classes that are supertypes of the values' own. */
    private static final Set<Class<?>> STATED_SUPERTYPES = Set.of(Map.class, Object.class, Object[].class, ByteBuffer.class);

    private PgConnectionFactory core;
    private PgConnR2dbcConnectionFactory factory;
    private Connection connection;

    abstract PgClusterExtension pg();

    static PgClusterExtension cluster(int major) {
        return R2dbcTestServer.builder("r2dbc-column-java-type-" + major, 0).majorVersion(major).build();
    }

    @BeforeAll
    void schemaAndConnection() throws SQLException {
        try (var jdbc = R2dbcTestServer.dataSource(pg().primary()).getConnection(); var sql = jdbc.createStatement()) {
            sql.execute("CREATE EXTENSION hstore");
            sql.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')");
            sql.execute("CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped')");
        }
        core = PgConnectionFactory.builder(ConnConfig.parse("postgresql://" + R2dbcTestServer.USER + ":" + R2dbcTestServer.PASSWORD
                        + "@127.0.0.1:" + pg().primary().port() + "/" + R2dbcTestServer.DATABASE
                        + "?sslmode=disable&extensionTypes=hstore,order_status"))
                .codecs(CodecRegistry.builder().register(new OrderStatusCodec()).build()).threads(1).build();
        factory = PgConnR2dbcConnectionFactory.of(core);
        connection = Mono.from(factory.create()).block(STEP);
    }

    @AfterAll
    void close() {
        if (connection != null) {
            Mono.from(connection.close()).block(STEP);
        }
        if (factory != null) {
            factory.close();
        }
        if (core != null) {
            core.close();
        }
    }

    /** Each column: its SQL, and the class {@code Row.get} is expected to return (what the metadata must say). */
    private static Map<String, Class<?>> columns() {
        Map<String, Class<?>> columns = new LinkedHashMap<>();
        columns.put("true", Boolean.class);
        columns.put("1::int2", Short.class);
        columns.put("1::int4", Integer.class);
        columns.put("1::int8", Long.class);
        columns.put("1.5::numeric", BigDecimal.class);
        columns.put("1.5::float4", Float.class);
        columns.put("1.5::float8", Double.class);
        columns.put("'x'::text", String.class);
        columns.put("'x'::varchar", String.class);
        columns.put("'x'::char(2)", String.class);
        columns.put("'x'::name", String.class);
        columns.put("'\\x01'::bytea", ByteBuffer.class);
        columns.put("1::oid", Long.class);
        columns.put("'2026-12-07'::date", LocalDate.class);
        columns.put("'12:00'::time", LocalTime.class);
        columns.put("'12:00+02'::timetz", OffsetTime.class);
        columns.put("'2026-12-07 12:00'::timestamp", LocalDateTime.class);
        columns.put("'2026-12-07 12:00+00'::timestamptz", OffsetDateTime.class);
        columns.put("'1 day 2 hours'::interval", PgInterval.class);
        columns.put("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", UUID.class);
        columns.put("'{\"a\": 1}'::json", String.class);
        columns.put("'{\"a\": 1}'::jsonb", String.class);
        columns.put("'10.1.2.3'::inet", Object.class);
        columns.put("'10.1.2.0/24'::inet", Object.class);
        columns.put("'10.0.0.0/8'::cidr", Cidr.class);
        columns.put("'happy'::mood", String.class);
        columns.put("'a'::\"char\"", String.class);
        columns.put("12.5::money", String.class);
        columns.put("'<a/>'::xml", String.class);
        columns.put("point(1, 2)", String.class);
        columns.put("'08:00:2b:01:02:03'::macaddr", String.class);
        columns.put("B'101'", String.class);
        columns.put("'a b'::tsvector", String.class);
        columns.put("'[1,2)'::int4range", String.class);
        columns.put("'a=>b'::hstore", Map.class);
        columns.put("'paid'::order_status", OrderStatus.class);
        columns.put("ARRAY[true, NULL]", Boolean[].class);
        columns.put("'{1,2}'::int2[]", Short[].class);
        columns.put("'{1,2}'::int4[]", Integer[].class);
        columns.put("'{1,2}'::int8[]", Long[].class);
        columns.put("'{1.5}'::float4[]", Float[].class);
        columns.put("'{1.5}'::float8[]", Double[].class);
        columns.put("'{1.5,NaN}'::numeric[]", Object[].class);
        columns.put("'{a,NULL}'::text[]", String[].class);
        columns.put("'{a}'::varchar[]", String[].class);
        columns.put("ARRAY['2026-12-07'::date]", LocalDate[].class);
        columns.put("ARRAY['2026-12-07 12:00+00'::timestamptz]", OffsetDateTime[].class);
        columns.put("ARRAY['1 day'::interval]", PgInterval[].class);
        columns.put("ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]", UUID[].class);
        columns.put("ARRAY['{}'::jsonb]", String[].class);
        columns.put("ARRAY['10.1.2.3'::inet]", Object[].class);
        columns.put("ARRAY['\\x01'::bytea]", byte[][].class);
        columns.put("ARRAY['a=>b'::hstore]", Map[].class);
        columns.put("ARRAY['paid'::order_status]", OrderStatus[].class);
        columns.put("ARRAY[point(1, 2)]", String[].class); // built-in arrays of a type without a codec (session 31)
        columns.put("ARRAY[row(1, 'a')]", String[].class);
        return columns;
    }

    @Test
    void theMetadataSaysTheClassOfWhatRowGetReturns() {
        Map<String, Class<?>> columns = columns();
        List<String> expressions = new ArrayList<>(columns.keySet());
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < expressions.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(expressions.get(i)).append(" AS c").append(i);
        }
        List<Object[]> read = Flux.from(connection.createStatement(sql.toString()).execute())
                .flatMap(result -> result.map((Row row, RowMetadata metadata) -> readAll(row, metadata, expressions.size())))
                .collectList().block(STEP);
        assertThat(read).hasSize(1);
        Object[] values = read.get(0)[0] instanceof Object[] v ? v : null;
        @SuppressWarnings("unchecked")
        List<ColumnMetadata> metadata = (List<ColumnMetadata>) read.get(0)[1];
        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < expressions.size(); i++) {
            String what = expressions.get(i);
            Class<?> announced = metadata.get(i).getJavaType();
            Object value = values[i];
            softly.assertThat(value).as(what + " read").isNotNull();
            if (value == null) {
                continue;
            }
            softly.assertThat(value).as(what + " read, against the metadata").isInstanceOf(announced);
            softly.assertThat(announced).as(what + " in the metadata").isEqualTo(columns.get(what));
            softly.assertThat(announced == value.getClass() || STATED_SUPERTYPES.contains(announced))
                    .as(what + ": announced " + announced.getName() + ", read " + value.getClass().getName()).isTrue();
            softly.assertThat(metadata.get(i).getType().getJavaType()).as(what + " type's class").isEqualTo(announced);
        }
        softly.assertAll();
    }

    private static Object[] readAll(Row row, RowMetadata metadata, int size) {
        Object[] values = new Object[size];
        for (int i = 0; i < size; i++) {
            values[i] = row.get(i);
        }
        return new Object[] {values, metadata.getColumnMetadatas()};
    }

    /** A type without a codec is named as before; a type a codec reads carries its codec's name. */
    @Test
    void aTypeTheTableDoesNotListIsNamedByItsCodec() {
        RowMetadata metadata = Flux.from(connection.createStatement("SELECT '1 day'::interval AS i, 'happy'::mood AS m, '{1}'::int4[] AS a")
                .execute()).flatMap(result -> result.map((row, md) -> md)).blockLast(STEP);
        assertThat(metadata.getColumnMetadata("i").getType().getName()).isEqualTo("interval");
        assertThat(metadata.getColumnMetadata("m").getType().getName()).isEqualTo("unknown");
        assertThat(metadata.getColumnMetadata("a").getType().getName()).isEqualTo("int4[]");
    }
}
