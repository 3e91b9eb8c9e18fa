package io.pgconn.notify;

import io.pgconn.PgConnectException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscriberStateTest {

    @Test
    void lastErrorIsOneShortLineOfTheUnwrappedCause() {
        PgConnectException refused = new PgConnectException("127.0.0.1:5432", "connection refused (127.0.0.1:5432)\nsecond line");
        assertThat(SubscriberState.describe(new CompletionException(refused)))
                .isEqualTo("PgConnectException: connection refused (127.0.0.1:5432); second line");
        PgConnectException noWriter = new PgConnectException(null, "could not connect to any of 2 hosts (target_session_attrs=read-write):"
                + "\n  db1:5432: server is read-only\n  db2:5432: server is a standby\n");
        assertThat(SubscriberState.describe(noWriter)).isEqualTo("PgConnectException: could not connect to any of 2 hosts"
                + " (target_session_attrs=read-write): db1:5432: server is read-only; db2:5432: server is a standby");
        PgConnectException hinted = new PgConnectException(null, "could not connect to any of 3 hosts (target_session_attrs=any):"
                + "\n  db1:5432: server db1:5432 reported FATAL: invalid value for parameter \"work_mem\": \"abc\" (SQLSTATE 22023)"
                + "\n    DETAIL: d\n    HINT: Valid units for this parameter are \"B\", \"kB\"."
                + "\n  db2:5432: connection refused\n  db3:5432: server db3:5432 reported FATAL: no (SQLSTATE 57P03)\n    HINT: later");
        assertThat(SubscriberState.oneLine(hinted.getMessage())).as("each host's HINT stays with its host")
                .isEqualTo("could not connect to any of 3 hosts (target_session_attrs=any):"
                        + " db1:5432: server db1:5432 reported FATAL: invalid value for parameter \"work_mem\": \"abc\" (SQLSTATE 22023),"
                        + " DETAIL: d, HINT: Valid units for this parameter are \"B\", \"kB\".; db2:5432: connection refused;"
                        + " db3:5432: server db3:5432 reported FATAL: no (SQLSTATE 57P03), HINT: later");
        PgConnectException single = new PgConnectException("db:5432", "server db:5432 reported FATAL: no (SQLSTATE 22023)\nHINT: later");
        assertThat(SubscriberState.describe(single)).isEqualTo("PgConnectException: server db:5432 reported FATAL: no (SQLSTATE 22023); HINT: later");
        assertThat(SubscriberState.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(SubscriberState.describe(null)).isNull();
        String cut = SubscriberState.describe(new IllegalStateException("x".repeat(500)));
        assertThat(cut).hasSize(SubscriberState.MAX_ERROR_LENGTH).endsWith("...");
    }

    @Test
    void channelsAreASortedCopyThatCannotChange() {
        LinkedHashSet<String> channels = new LinkedHashSet<>(List.of("orders", "audit"));
        SubscriberState state = new SubscriberState(SubscriberState.Status.LISTENING, "127.0.0.1:5432", channels, 0, Instant.EPOCH, null);
        channels.add("later");
        assertThat(state.channels()).containsExactly("audit", "orders");
        assertThatThrownBy(() -> state.channels().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void onlyClosedAndGaveUpAreEnded() {
        assertThat(SubscriberState.Status.CLOSED.isEnded()).isTrue();
        assertThat(SubscriberState.Status.GAVE_UP.isEnded()).isTrue();
        assertThat(SubscriberState.Status.RECONNECTING.isEnded()).isFalse();
        assertThat(SubscriberState.Status.CONNECTING.isEnded()).isFalse();
        assertThat(SubscriberState.Status.LISTENING.isEnded()).isFalse();
    }
}
