package io.pgconn.sample.notes;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/** How the write load names a failure: the page and the failover test count 25006 apart. */
class WriteLoadTest {

    @Test
    void aServerRefusalIsNamedByItsSqlStateThroughSpringsTranslation() {
        R2dbcNonTransientResourceException refused = new R2dbcNonTransientResourceException(
                "cannot execute INSERT in a read-only transaction", WriteLoad.READ_ONLY);
        assertThat(WriteLoad.reason(new DataAccessResourceFailureException("insert failed", refused))).isEqualTo("25006");
    }

    @Test
    void aWriteThatTookTooLongIsATimeout() {
        assertThat(WriteLoad.reason(new TimeoutException("Did not observe any item or terminal signal within 5000ms")))
                .isEqualTo("timeout");
    }

    @Test
    void anythingElseIsNamedByItsClass() {
        assertThat(WriteLoad.reason(new IllegalStateException("pool closed"))).isEqualTo("IllegalStateException");
    }
}
