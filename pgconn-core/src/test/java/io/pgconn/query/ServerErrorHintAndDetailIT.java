package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.PgServerException;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * libpq prints a server error's DETAIL and HINT under its message; pgconn's message has the HINT always and the
 * DETAIL only where the connection's {@code serverErrorDetail} setting lets it in, since a DETAIL may show data —
 * a parameter's value among it (docs/query.md §5).
 */
class ServerErrorHintAndDetailIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void aHintFollowsTheErrorOnALineOfItsOwnHoweverTheStatementRan() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            String firstLine = "server " + c.host() + " reported ERROR: function no_such_function(integer) does not exist (SQLSTATE 42883)";
            PgServerException extended = (PgServerException) failure(c.query("SELECT no_such_function($1::int)", 1));
            assertThat(extended.serverFields().hint()).startsWith("No function matches the given name and argument types.");
            assertThat(extended.getMessage()).isEqualTo(firstLine + "\nHINT: " + extended.serverFields().hint());

            PgServerException simple = (PgServerException) failure(c.simpleQuery("SELECT no_such_function(1)"));
            assertThat(simple.getMessage()).isEqualTo(firstLine + "\nHINT: " + simple.serverFields().hint());

            PgServerException script = (PgServerException) scriptFailure(c, "SELECT 1", "SELECT no_such_function(1)");
            assertThat(script.getMessage()).isEqualTo(firstLine + "\nHINT: " + script.serverFields().hint());
        } finally {
            await(c.close());
        }
    }

    @Test
    void aDetailStaysOutOfTheMessageByDefaultForItMayHoldAParameter() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("CREATE TABLE detail_default (id text PRIMARY KEY)"));
            await(c.query("INSERT INTO detail_default VALUES ($1)", "tok-s3cr3t"));
            PgServerException duplicate = (PgServerException) failure(c.query("INSERT INTO detail_default VALUES ($1)", "tok-s3cr3t"));
            assertThat(duplicate.getMessage()).isEqualTo("server " + c.host()
                    + " reported ERROR: duplicate key value violates unique constraint \"detail_default_pkey\" (SQLSTATE 23505)");
            assertThat(duplicate.serverFields().detail()).isEqualTo("Key (id)=(tok-s3cr3t) already exists.");

            await(c.simpleQuery("CREATE VIEW detail_default_v AS SELECT * FROM detail_default"));
            PgServerException dependents = (PgServerException) failure(c.simpleQuery("DROP TABLE detail_default"));
            assertThat(dependents.serverFields().detail()).isNotBlank();
            assertThat(dependents.getMessage()).as("the hint without the detail")
                    .isEqualTo("server " + c.host() + " reported ERROR: cannot drop table detail_default because other objects"
                            + " depend on it (SQLSTATE 2BP01)\nHINT: Use DROP ... CASCADE to drop the dependent objects too.");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aConnectionWhoseSettingLetsTheDetailInShowsItBeforeTheHintAsLibpqDoes() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "serverErrorDetail=true");
        try {
            await(c.simpleQuery("CREATE TABLE detail_shown (id int PRIMARY KEY)"));
            await(c.query("INSERT INTO detail_shown VALUES ($1)", 1));
            PgServerException duplicate = (PgServerException) failure(c.query("INSERT INTO detail_shown VALUES ($1)", 1));
            assertThat(duplicate.getMessage()).isEqualTo("server " + c.host()
                    + " reported ERROR: duplicate key value violates unique constraint \"detail_shown_pkey\" (SQLSTATE 23505)"
                    + "\nDETAIL: Key (id)=(1) already exists.");
            assertThat(duplicate.serverFields().toString()).as("the fields' toString stays without data").doesNotContain("Key (id)");

            await(c.simpleQuery("CREATE VIEW detail_shown_v AS SELECT * FROM detail_shown"));
            PgServerException dependents = (PgServerException) failure(c.simpleQuery("DROP TABLE detail_shown"));
            assertThat(dependents.getMessage()).endsWith(" (SQLSTATE 2BP01)\nDETAIL: view detail_shown_v depends on table detail_shown"
                    + "\nHINT: Use DROP ... CASCADE to drop the dependent objects too.");
        } finally {
            await(c.close());
        }
    }

    /**
     * AUDIT-15 L5: a HINT written by user code — PL/pgSQL's {@code RAISE ... USING HINT} — may be built from a value,
     * a parameter's among them, so it is kept out as a DETAIL is (whatever SQLSTATE the RAISE gave); the server's own
     * HINT of an error in a statement stays.
     */
    @Test
    void aHintRaisedByUserCodeStaysOutOfTheMessageByDefaultAsADetailDoes() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            await(c.simpleQuery("""
                    CREATE FUNCTION hint_check(token text, code text) RETURNS int LANGUAGE plpgsql AS $$
                    BEGIN
                      RAISE EXCEPTION 'token refused' USING ERRCODE = code, HINT = 'retry with a token other than ' || token;
                    END $$"""));
            for (String code : List.of("P0001", "23505", "42501")) {
                PgServerException raised = (PgServerException) failure(c.query("SELECT hint_check($1, $2)", "tok-s3cr3t", code));
                assertThat(raised.serverFields().hint()).isEqualTo("retry with a token other than tok-s3cr3t");
                assertThat(raised.getMessage()).as(code).isEqualTo("server " + c.host() + " reported ERROR: token refused (SQLSTATE " + code + ")");
            }
            PgServerException inBlock = (PgServerException) failure(c.simpleQuery(
                    "DO $$ BEGIN RAISE EXCEPTION 'no' USING HINT = 'tok-d0-bl0ck'; END $$"));
            assertThat(inBlock.getMessage()).doesNotContain("tok-d0-bl0ck").doesNotContain("HINT");
        } finally {
            await(c.close());
        }
    }

    @Test
    void aConnectionWhoseSettingLetsTheDetailInShowsAUserCodeHintToo() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "serverErrorDetail=true");
        try {
            PgServerException raised = (PgServerException) failure(c.simpleQuery(
                    "DO $$ BEGIN RAISE EXCEPTION 'token refused' USING DETAIL = 'd', HINT = 'retry with another token'; END $$"));
            assertThat(raised.getMessage()).isEqualTo("server " + c.host() + " reported ERROR: token refused (SQLSTATE P0001)"
                    + "\nDETAIL: d\nHINT: retry with another token");
        } finally {
            await(c.close());
        }
    }

    /** The error a script ends with, its earlier statements' segments read. */
    private static Throwable scriptFailure(PgConnection c, String... statements) {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        c.script(List.of(statements)).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Segment segment) {
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(t);
            }

            @Override
            public void onComplete() {
                ended.complete(null);
            }
        });
        return await(ended);
    }
}
