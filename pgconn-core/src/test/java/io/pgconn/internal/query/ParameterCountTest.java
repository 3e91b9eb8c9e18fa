package io.pgconn.internal.query;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.session.PipelinedSession;
import io.pgconn.internal.session.SessionHandler;
import io.pgconn.query.PgStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parameters are counted against the SQL's highest {@code $n} before anything is written: a wrong
 * count is refused on the caller's thread, naming the host and both counts, never a value.
 */
class ParameterCountTest {

    private final Map<String, String> serverParameters = new ConcurrentHashMap<>(Map.of("standard_conforming_strings", "on"));
    private final PipelinedSession session = new PipelinedSession("db:5432", serverParameters, 0, TextValueCodecs.INSTANCE);
    private final EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(session));

    @AfterEach
    void nothingWasWritten() {
        channel.runPendingTasks();
        assertThat((Object) channel.readOutbound()).as("bytes written to the server").isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void tooFewOrTooManyQueryParametersAreRefusedBeforeSending() {
        assertThatThrownBy(() -> DefaultPgStatement.query(session, "SELECT $1::int + $2::int", "s3cret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("1 parameter given, but the statement for db:5432 takes 2 parameters ($1 to $2); nothing was sent");
        assertThatThrownBy(() -> DefaultPgStatement.query(session, "SELECT $1::int", "s3cret", "other"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 parameters given, but the statement for db:5432 takes 1 parameter ($1); nothing was sent")
                .message().doesNotContain("s3cret");
        assertThatThrownBy(() -> DefaultPgStatement.query(session, "SELECT '$1', $2 -- $3", 1))
                .hasMessageContaining("takes 2 parameters");
        assertThatThrownBy(() -> DefaultPgStatement.query(session, "SELECT 1", 1))
                .hasMessageContaining("1 parameter given, but the statement for db:5432 takes no parameters");
    }

    @Test
    void aBindingPastTheStatementsParametersNamesTheIndexGivenAndTheCount() {
        PgStatement statement = new DefaultPgStatement(session, "SELECT $1::int");
        assertThatThrownBy(() -> statement.bind(5, "s3cret"))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("parameter index 5 ($6) is out of range: the statement for db:5432 takes 1 parameter ($1) (0-based: 0 binds $1)");
        assertThatThrownBy(() -> statement.bindNull(1, Integer.class)).hasMessageContaining("parameter index 1 ($2)");
    }

    /**
     * An index no statement can have (negative, or past the 65,535 parameters of the protocol's Int16 count) was an
     * IndexOutOfBoundsException "parameter index 70000 (0-based: 0 binds $1; at most 65535 parameters)", without the
     * host, whether the scanner could count the text's parameters or not (session 22).
     */
    @Test
    void anIndexPastTheProtocolsRangeNamesTheIndexTheRangeAndTheHost() {
        for (String sql : new String[] {"SELECT $1::int", "SELECT $1; SELECT $2"}) {
            PgStatement statement = new DefaultPgStatement(session, sql);
            for (int index : new int[] {70_000, 65_535, -1}) {
                assertThatThrownBy(() -> statement.bind(index, "s3cret")).as(sql + ", index " + index)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("parameter index " + index + " is out of range: an index runs from 0 ($1) to 65534 ($65535),"
                                + " as PostgreSQL's protocol carries at most 65535 parameters in one statement; nothing was bound"
                                + " for the statement for db:5432");
                assertThatThrownBy(() -> statement.bindNull(index, Integer.class)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("parameter index " + index + " is out of range").hasMessageContaining("db:5432");
            }
        }
        // the last index the protocol carries is taken where the scanner cannot count (the server judges the text)
        assertThat(((DefaultPgStatement) new DefaultPgStatement(session, "SELECT $1; SELECT $2").bind(65_534, 1)).toString())
                .isEqualTo("PgStatement[1 parameter sets]");
    }

    @Test
    void anUnboundParameterNamesItsIndexAndTheCount() {
        DefaultPgStatement statement = new DefaultPgStatement(session, "SELECT $1::int, $2::int, $3::int");
        statement.bind(0, 1);
        assertThatThrownBy(statement::plan).isInstanceOf(IllegalStateException.class)
                .hasMessage("parameter $2 is not bound (index 1): the statement for db:5432 takes 3 parameters ($1 to $3)");
        statement.bind(1, 2).bind(2, 3).add().bind(0, 1);
        assertThatThrownBy(statement::plan)
                .hasMessage("parameter $2 is not bound in parameter set 2 (index 1): the statement for db:5432 takes 3 parameters ($1 to $3)");
    }

    @Test
    void underStandardConformingStringsOffABackslashEscapesAQuoteInAPlainLiteral() {
        String sql = "SELECT 'a\\'' || $1::text || '\\'$2'"; // off: 'a\'' and '\'$2' are literals, $1 the only parameter
        serverParameters.put("standard_conforming_strings", "off");
        StatementPlan plan = ((DefaultPgStatement) new DefaultPgStatement(session, sql).bind(0, "b")).plan();
        assertThat(plan.typeOids()).hasSize(1);
        serverParameters.put("standard_conforming_strings", "on"); // on: no parameter at all in that text
        assertThatThrownBy(() -> new DefaultPgStatement(session, sql).bind(0, "b")).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("takes no parameters");
    }

    @Test
    void aTextTheScannerCannotJudgeIsLeftToTheServer() {
        // several statements (the server refuses them in one Parse) and an unterminated literal: not refused here
        assertThat(((DefaultPgStatement) new DefaultPgStatement(session, "SELECT $1; SELECT $2").bind(0, 1)).plan().typeOids()).hasSize(1);
        assertThat(((DefaultPgStatement) new DefaultPgStatement(session, "SELECT $2, 'open").bind(0, 1)).plan().typeOids()).hasSize(1);
    }
}
