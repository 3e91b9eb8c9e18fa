package io.pgconn.r2dbc;

import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.ConnConfig;
import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-28 R28-5's own test: the R2DBC row metadata of a cached statement is rebuilt when the connection's codecs are
 * rebound under it. Types created outside the factory (a JDBC migration) after the connection opened, the statement
 * prepared and run while they read as text; then {@code forgetTypeOids()}: the connection looks its types up again and
 * binds its codecs afresh, no known OID changed, so the statement and its description stay cached — and the columns'
 * announced class must follow what {@code Row.get} now returns. (Run once against the code before R28-5's fix, 6bc8bf21:
 * it passes there too — the core rebuilds a cached statement's RowMetadata when the codecs change, ResultShape.refresh,
 * so the R2DBC cache keyed by it missed anyway; the fix's identity check is a second guard. On 3579d68e it fails: the
 * enum array column without a codec read as one String.)
 */
class RowMetadataAfterRebindIT {

    private static final Duration STEP = Duration.ofSeconds(20);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-metadata-rebind", 0).build();

    private static final String SELECT = "SELECT status, allowed, others FROM late_purchase WHERE $1";

    /** One row: each column's announced class and type name, and the class Row.get(i) returned. */
    private record Read(List<Class<?>> announced, List<String> names, List<Class<?>> got) {
    }

    @Test
    void theMetadataOfACachedStatementFollowsTheCodecsBoundAfterIt() throws SQLException {
        ConnConfig config = ConnConfig.parse("postgresql://" + R2dbcTestServer.USER + ":" + R2dbcTestServer.PASSWORD + "@127.0.0.1:"
                + PG.primary().port() + "/" + R2dbcTestServer.DATABASE + "?sslmode=disable&extensionTypes=order_status");
        try (PgConnectionFactory core = PgConnectionFactory.builder(config)
                .codecs(CodecRegistry.builder().register(new OrderStatusCodec()).build()).threads(1).build()) {
            Connection c = Mono.from(PgConnR2dbcConnectionFactory.of(core).create()).block(STEP);
            try {
                try (var jdbc = R2dbcTestServer.dataSource(PG.primary()).getConnection(); var sql = jdbc.createStatement()) {
                    sql.execute("CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped')");
                    sql.execute("CREATE TYPE late_colour AS ENUM ('red', 'blue')");
                    sql.execute("CREATE TABLE late_purchase (status order_status, allowed order_status[], others late_colour[])");
                    sql.execute("INSERT INTO late_purchase VALUES ('paid', '{new,paid}', '{red,NULL}')");
                }
                Read before = read(c);
                assertThat(before.announced()).as("the types are unknown to the connection yet: text")
                        .containsExactly(String.class, String.class, String.class);
                assertThat(before.got()).containsExactly(String.class, String.class, String.class);

                core.forgetTypeOids(); // the connection looks order_status up before its next statement, and the enum arrays
                Read after = read(c);
                assertThat(after.got()).containsExactly(OrderStatus.class, OrderStatus[].class, String[].class);
                assertThat(after.announced()).as("the cached statement's metadata follows the codecs bound since")
                        .containsExactly(OrderStatus.class, OrderStatus[].class, String[].class);
                assertThat(after.names()).as("R29-14: an enum array without a codec names its enum")
                        .containsExactly("order_status", "order_status[]", "late_colour[]");
            } finally {
                Mono.from(c.close()).block(STEP);
            }
        }
    }

    private static Read read(Connection c) {
        return Flux.from(c.createStatement(SELECT).bind(0, true).execute()) // a parameter: prepared and cached
                .flatMap(result -> result.map((row, metadata) -> {
                    List<? extends ColumnMetadata> columns = metadata.getColumnMetadatas();
                    return new Read(columns.stream().<Class<?>>map(ColumnMetadata::getJavaType).toList(),
                            columns.stream().map(column -> column.getType().getName()).toList(),
                            List.of(row.get(0).getClass(), row.get(1).getClass(), row.get(2).getClass()));
                }))
                .single().block(STEP);
    }
}
