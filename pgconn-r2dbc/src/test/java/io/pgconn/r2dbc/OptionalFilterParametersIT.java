package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional-filter idiom of search endpoints, {@code ($1 IS NULL OR col = $1)}, with a String and a String[]
 * parameter, NULL or not (NEW-USER-34 F1, F2: every one failed with 42P08 "could not determine data type of parameter
 * $1", which r2dbc-postgresql and pgjdbc pass: they send a String as varchar). A parameter first used in a NULL test is
 * declared text; one typed elsewhere first, or cast, stays as it was; a typed NULL of String[] is text[].
 */
class OptionalFilterParametersIT {

    private static final Duration STEP = Duration.ofSeconds(10);

    @RegisterExtension
    static final PgClusterExtension PG = R2dbcTestServer.builder("r2dbc-optional-filter", 0).build();

    private static PgConnR2dbcConnectionFactory factory;
    private static JdbcTemplate jdbc;
    private Connection connection;

    @BeforeAll
    static void factory() {
        factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(R2dbcTestServer.url(PG.primary(), ""));
        jdbc = new JdbcTemplate(R2dbcTestServer.dataSource(PG.primary()));
        jdbc.execute("CREATE TABLE orders (id int PRIMARY KEY, note text, code varchar(10), tags text[])");
        jdbc.execute("INSERT INTO orders VALUES (1, 'gift', 'A1', '{red,big}'), (2, NULL, 'B2', '{blue}'), (3, 'rush', 'A1', NULL)");
    }

    @AfterAll
    static void closeFactory() {
        if (factory != null) {
            factory.close();
        }
    }

    @BeforeEach
    void connect() {
        connection = Mono.from(factory.create()).block(STEP);
    }

    @AfterEach
    void close() {
        if (connection != null) {
            Mono.from(connection.close()).block(STEP);
        }
    }

    @Test
    void aStringFilterFirstTestedForNullMatchesEverythingWhenNullAndItsRowsOtherwise() {
        String sql = "SELECT count(*) FROM orders WHERE ($1 IS NULL OR note = $1)";

        assertThat(count(sql, s -> s.bindNull(0, String.class))).as("no filter").isEqualTo(3);
        assertThat(count(sql, s -> s.bind(0, "gift"))).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM orders WHERE ($1 IS NULL OR code = $1)", s -> s.bind(0, "A1")))
                .as("against varchar").isEqualTo(2);
        assertThat(count("SELECT count(*) FROM orders WHERE ($1 IS NOT NULL AND note = $1)", s -> s.bind(0, "rush"))).isEqualTo(1);
    }

    @Test
    void aStringArrayFilterIsTypedWhenNullToo() {
        String sql = "SELECT count(*) FROM orders WHERE ($1 IS NULL OR tags && $1)";

        assertThat(count(sql, s -> s.bindNull(0, String[].class))).as("no filter").isEqualTo(3);
        assertThat(count(sql, s -> s.bind(0, new String[] {"red", "blue"}))).isEqualTo(2);
    }

    /** What worked keeps working: a parameter the server types at its first use, a cast, a String against an int column. */
    @Test
    void aParameterTypedAtItsFirstUseStaysUntypedAndTheServerTypesIt() {
        assertThat(count("SELECT count(*) FROM orders WHERE (note = $1 OR $1 IS NULL)", s -> s.bind(0, "gift"))).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM orders WHERE ($1::text IS NULL OR note = $1)", s -> s.bindNull(0, String.class)))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM orders WHERE id = $1", s -> s.bind(0, "2"))).as("the server reads it as int").isEqualTo(1);
    }

    /**
     * REVIEW-34b R34b-1: a NULL test that is no whole condition of a WHERE — in an UPDATE's SET, or of an operator's
     * result — leaves the parameter to the server, which types it from its other use: these worked untyped and do still.
     */
    @Test
    void aNullTestOutsideAWhereConditionLeavesTheParameterToTheServer() {
        assertThat(count("SELECT count(*) FROM orders WHERE (id = $1 IS NULL)", s -> s.bind(0, "2")))
                .as("(id = $1) IS NULL: $1 typed int by the server").isZero();
        Statement update = connection.createStatement("UPDATE orders SET note = CASE WHEN $1 IS NULL THEN note ELSE note END WHERE id = $1");
        update.bind(0, "3");
        assertThat(Flux.from(update.execute()).flatMap(result -> result.getRowsUpdated()).blockLast(STEP)).isEqualTo(1L);
    }

    private long count(String sql, Consumer<Statement> binds) {
        Statement statement = connection.createStatement(sql);
        binds.accept(statement);
        return Flux.from(statement.execute()).flatMap(result -> result.map((row, meta) -> row.get(0, Long.class))).blockLast(STEP);
    }
}
