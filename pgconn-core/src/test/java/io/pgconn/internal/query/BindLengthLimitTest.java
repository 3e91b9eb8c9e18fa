package io.pgconn.internal.query;

import io.pgconn.codec.PgConversionException;
import io.pgconn.internal.protocol.frontend.Bind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parameters whose Bind would pass PostgreSQL's message limit (1 GB; a smaller one here) are refused at the parameter
 * that passes it, before the later ones are encoded: the backend closes the session without a word on a longer
 * message (session 21).
 */
class BindLengthLimitTest {

    @Test
    void aSetWhoseBindPassesTheLimitIsRefusedAtTheParameterThatPassesIt() {
        Object[] set = {"a".repeat(100), null, "b".repeat(100), "c".repeat(100)};
        long limit = Bind.framing(4) + 250;
        assertThatThrownBy(() -> DefaultPgStatement.encode("db1:5432", TextValueCodecs.INSTANCE, set, 4, new int[4], limit))
                .isInstanceOf(PgConversionException.class)
                .hasMessageContaining("parameter $4 (index 3) was not sent to db1:5432")
                .hasMessageContaining("more than PostgreSQL reads in one message (1 GB)")
                .hasMessageNotContaining("ccc");
        BoundParams under = DefaultPgStatement.encode("db1:5432", TextValueCodecs.INSTANCE, set, 4, new int[4], limit + 100);
        assertThat(under.values()[3]).hasSize(100);
    }
}
