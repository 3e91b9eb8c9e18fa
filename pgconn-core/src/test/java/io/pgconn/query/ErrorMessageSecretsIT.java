package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgException;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parameter values never reach an exception's message or toString, even where PostgreSQL's own text
 * quotes them (issue 13, M7); the raw server fields keep them for whoever asks.
 */
class ErrorMessageSecretsIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void aParameterValueTheServerQuotesInADataExceptionIsLeftOutOfTheMessage() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE SEQUENCE IF NOT EXISTS secrets_seq MAXVALUE 100"));
            PgServerException syntax = (PgServerException) failure(c.query("SELECT $1::int", "hunter2"));
            assertThat(syntax.sqlState()).contains("22P02");
            assertThat(syntax.getMessage()).contains("invalid input syntax for type integer").contains(PG.primary().port() + "")
                    .doesNotContain("hunter2");
            assertThat(syntax.toString()).doesNotContain("hunter2");
            assertThat(syntax.serverFields().message()).as("the raw field keeps it").contains("hunter2");

            PgServerException range = (PgServerException) failure(c.query("SELECT $1::int", "98765432109"));
            assertThat(range.sqlState()).contains("22003");
            assertThat(range.getMessage()).contains("out of range for type integer").doesNotContain("98765432109");

            // a message without a placeholder is the server's as it is (the type's bound, no value)
            PgServerException narrowed = (PgServerException) failure(c.query("SELECT $1::int", Long.MAX_VALUE));
            assertThat(narrowed.sqlState()).contains("22003");
            assertThat(narrowed.getMessage()).contains("integer out of range").doesNotContain(Long.MAX_VALUE + "");

            PgServerException sequence = (PgServerException) failure(c.query("SELECT setval('secrets_seq', $1)", 987654321L));
            assertThat(sequence.sqlState()).contains("22003");
            assertThat(sequence.getMessage()).doesNotContain("987654321");

            PgServerException date = (PgServerException) failure(c.query("SELECT $1::date", "2024-13-45-secret\"quoted\""));
            assertThat(date.getMessage()).doesNotContain("secret").doesNotContain("2024-13-45");
            // without parameters the server's text is the user's own SQL: passed on as written
            assertThat(failure(c.query("SELECT 'literal'::int")).getMessage()).contains("\"literal\"");
            assertThat(await(c.query("SELECT $1::int", "5")).single(Integer.class)).isEqualTo(5);
        } finally {
            await(c.close());
        }
    }

    /** New user 9 F3: class 22 texts that hold no value (fixed ones, or with counts only) are kept; a withheld one says so. */
    @Test
    void aDataExceptionWithoutAValueKeepsItsTextAndAWithheldOneSaysWhereItIs() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE secrets_v (s varchar(3))"));
            PgServerException json = (PgServerException) failure(c.query("SELECT $1::jsonb", "{hunter2"));
            assertThat(json.getMessage()).contains("invalid input syntax for type json (SQLSTATE 22P02)").doesNotContain("hunter2");
            PgServerException payload = (PgServerException) failure(c.query("SELECT pg_notify('secrets', $1)", "x".repeat(8000)));
            assertThat(payload.getMessage()).contains("payload string too long (SQLSTATE 22023)");
            PgServerException tooLong = (PgServerException) failure(c.query("INSERT INTO secrets_v VALUES ($1)", "hunter2"));
            assertThat(tooLong.getMessage()).contains("value too long for type character varying(3) (SQLSTATE 22001)")
                    .doesNotContain("hunter2");
            PgServerException withheld = (PgServerException) failure(c.query("SELECT width_bucket($1, 0, 10, 0)", 5.0));
            assertThat(withheld.getMessage()).contains("invalid_argument_for_width_bucket_function (SQLSTATE 2201G; message withheld,")
                    .contains("see serverFields()");
            assertThat(withheld.serverFields().message()).isEqualTo("count must be greater than zero");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aUniqueViolationKeepsTheKeyOutOfTheMessage() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE secrets_u (token text UNIQUE)"));
            await(c.query("INSERT INTO secrets_u VALUES ($1)", "tok-s3cr3t"));
            PgServerException duplicate = (PgServerException) failure(c.query("INSERT INTO secrets_u VALUES ($1)", "tok-s3cr3t"));
            assertThat(duplicate.sqlState()).contains("23505");
            assertThat(duplicate.getMessage()).contains("secrets_u_token_key").doesNotContain("s3cr3t");
            assertThat(duplicate.toString()).doesNotContain("s3cr3t");
            assertThat(duplicate.serverFields().detail()).as("DETAIL is raw server data").contains("tok-s3cr3t");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aCopyThroughSimpleQueryDoesNotPutTheSqlIntoTheError() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            PgException error = (PgException) failure(c.simpleQuery("COPY (SELECT 'hunter2') TO STDOUT"));
            assertThat(error.getMessage()).contains("COPY").doesNotContain("hunter2");
            assertThat(error.getCause() == null ? "" : error.getCause().getMessage()).doesNotContain("hunter2");
        } finally {
            await(c.close());
        }
    }

    /**
     * user3's F12: a NUL in a String parameter made the server refuse it with an encoding error whose text
     * (it quotes the bytes) pgconn hides entirely; it is refused before sending, naming the parameter and host.
     */
    @Test
    void aNulInAStringParameterIsRefusedBeforeSendingNamingTheParameterNotTheValue() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            Throwable bound = failure(c.statement("SELECT $1::int, $2").bind(0, 1).bind(1, "tok\0en-s3cr3t").collect());
            Throwable direct;
            try {
                direct = failure(c.query("SELECT $1", "tok\0en-s3cr3t"));
            } catch (io.pgconn.codec.PgConversionException thrown) {
                direct = thrown;
            }
            assertThat(bound).isInstanceOf(io.pgconn.codec.PgConversionException.class)
                    .hasMessageContaining("parameter $2 (index 1)").hasMessageContaining("U+0000")
                    .hasMessageContaining(String.valueOf(PG.primary().port())).hasMessageNotContaining("s3cr3t");
            assertThat(direct).isInstanceOf(io.pgconn.codec.PgConversionException.class)
                    .hasMessageContaining("parameter $1").hasMessageNotContaining("s3cr3t");
            assertThat(((PgException) bound).host()).endsWith(":" + PG.primary().port());
            assertThat(await(c.query("SELECT $1", "after")).single(String.class)).isEqualTo("after");
        } finally {
            await(c.close());
        }
    }
}
