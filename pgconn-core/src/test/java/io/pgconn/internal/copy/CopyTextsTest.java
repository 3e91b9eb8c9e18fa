package io.pgconn.internal.copy;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The row count of a COPY's tag, and the texts a failed publisher leads to: its class, never its message. */
class CopyTextsTest {

    @Test
    void theRowCountIsReadFromTheCopyTag() {
        assertThat(CopyTexts.rows("COPY 100000")).isEqualTo(100_000L);
        assertThat(CopyTexts.rows("COPY 0")).isZero();
        assertThat(CopyTexts.rows("COPY")).isEqualTo(-1L);
        assertThat(CopyTexts.rows("SELECT 5")).isEqualTo(-1L);
        assertThat(CopyTexts.rows("COPY x")).isEqualTo(-1L);
    }

    @Test
    void aPublishersErrorIsNamedByItsClassOnly() {
        IOException error = new IOException("row 7: 'secret value'");
        assertThat(CopyTexts.publisherFailed(error)).contains("java.io.IOException").doesNotContain("secret");
        assertThat(CopyTexts.publisherFailedError("db:5432", error)).hasMessageContaining("db:5432")
                .hasMessageNotContaining("secret").hasCause(error);
    }
}
