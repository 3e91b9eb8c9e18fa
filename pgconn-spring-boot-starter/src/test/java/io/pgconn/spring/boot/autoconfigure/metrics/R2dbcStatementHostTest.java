package io.pgconn.spring.boot.autoconfigure.metrics;

import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The host is on the thread for Boot's {@code beforeQuery} only, whatever it does (AUDIT-14 L6: "if Boot's listener throws"). */
class R2dbcStatementHostTest {

    private static final HostSpec HOST = HostSpec.of("db-1", 5433);

    @Test
    void theHostIsOnTheThreadDuringTheWorkAndOffAfterIt() {
        HostSpec[] seen = new HostSpec[1];
        R2dbcStatementHost.during(HOST, () -> seen[0] = R2dbcStatementHost.current());
        assertThat(seen[0]).isEqualTo(HOST);
        assertThat(R2dbcStatementHost.current()).isNull();
    }

    @Test
    void theHostIsOffTheThreadWhenTheWorkThrows() {
        assertThatIllegalStateException().isThrownBy(() -> R2dbcStatementHost.during(HOST, () -> {
            throw new IllegalStateException("Boot's listener failed");
        }));
        assertThat(R2dbcStatementHost.current()).isNull();
    }

    @Test
    void aNestedStatementLeavesTheOuterHostAsItWas() {
        HostSpec inner = HostSpec.of("db-2", 5434);
        HostSpec[] afterInner = new HostSpec[1];
        R2dbcStatementHost.during(HOST, () -> {
            R2dbcStatementHost.during(inner, () -> { });
            afterInner[0] = R2dbcStatementHost.current();
        });
        assertThat(afterInner[0]).isEqualTo(HOST);
        assertThat(R2dbcStatementHost.current()).isNull();
    }

    @Test
    void theKeysAreTheHostAsConfiguredAndThePort() {
        assertThat(R2dbcStatementHost.keyValues(HOST)).extracting(kv -> kv.getKey() + "=" + kv.getValue())
                .containsExactly("server.address=db-1", "server.port=5433");
    }
}
