package io.pgconn.internal.query;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A query text too long for the one Parse or Query message that carries it (PostgreSQL reads at most 1 GB in one and
 * closes the session without a word on a longer one; a smaller limit here) is refused before it is encoded, naming the
 * host and its size, never the text; until session 22 it was not checked at all.
 */
class SendableQueryTextTest {

    private static final String SECRET = "s3cr3t";

    @Test
    void aTextPastTheLimitIsRefusedNamingTheHostAndItsSizeNeverTheText() {
        String sql = "SELECT '" + SECRET + "'"; // 15 chars, 15 bytes
        PgConfigException refused = SendableQueryText.refusal("db1:5432", sql, "query text", "the statement was not sent to db1:5432", 14);
        assertThat(refused).hasMessage("query text (15 characters) takes more than 14 bytes in UTF-8, more than the one message"
                + " that carries it may hold (PostgreSQL reads at most 1 GB in one message and closes the session on a longer"
                + " one); the statement was not sent to db1:5432").hasMessageNotContaining(SECRET);
        assertThat(refused.host()).isEqualTo("db1:5432");
        assertThat(SendableQueryText.refusal("db1:5432", sql, "query text", "not sent", 15)).isNull();
    }

    /** A text whose length alone does not decide is counted: eight two-byte chars make 25 bytes of 17 chars. */
    @Test
    void aTextBetweenItsBoundsIsCounted() {
        String sql = "SELECT 'éééééééé'";
        assertThat(SendableQueryText.refusal("db1:5432", sql, "query text", "not sent", 24)).isNotNull();
        assertThat(SendableQueryText.refusal("db1:5432", sql, "query text", "not sent", 25)).isNull();
    }
}
