package io.pgconn.notify;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgClosedException;
import io.pgconn.PgConnectException;
import io.pgconn.PgServerException;
import io.pgconn.ServerErrorFields;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A subscriber's last failure is data — kind, server, SQLSTATE, time — never its message (NEW-USER-19 F11). */
class SubscriberFailureTest {

    private static final Instant AT = Instant.parse("2026-12-06T09:00:00Z");

    @Test
    void aLostConnectionKeepsItsHostAndTheServersSqlstateFromTheCause() {
        PgServerException fatal = new PgServerException("db1:5432", "server db1:5432 reported FATAL: terminating connection"
                + " due to administrator command (SQLSTATE 57P01)", fields("FATAL", "57P01"), null);
        PgClosedException closed = new PgClosedException("db1:5432", "connection to db1:5432 closed", fatal);
        SubscriberFailure failure = SubscriberFailure.of(SubscriberFailure.Kind.CONNECTION_LOST, "db1:5432",
                new CompletionException(closed), AT);
        assertThat(failure).isEqualTo(new SubscriberFailure(SubscriberFailure.Kind.CONNECTION_LOST, "db1:5432", "57P01", AT));
        assertThat(failure.toString()).doesNotContain("terminating");
    }

    @Test
    void aConnectOverSeveralHostsIsTheDecidingHostsFailure() {
        PgConnectException walk = new PgConnectException(null, "could not connect to any of 2 hosts (target_session_attrs=any):"
                + "\n  db1:5432: connection refused\n  db2:5432: server db2:5432 reported FATAL: database \"secret_db\" does not exist");
        walk.addSuppressed(new PgConnectException("db1:5432", "connection refused"));
        walk.addSuppressed(new PgConnectException("db2:5432", "server db2:5432 reported FATAL: database \"secret_db\" does not exist",
                fields("FATAL", "3D000"), null));
        assertThat(SubscriberFailure.of(SubscriberFailure.Kind.CONNECT_FAILED, null, walk, AT))
                .isEqualTo(new SubscriberFailure(SubscriberFailure.Kind.CONNECT_FAILED, "db2:5432", "3D000", AT));
        PgAuthenticationException refused = new PgAuthenticationException("db1:5432",
                "password authentication failed for user \"app\"", fields("FATAL", "28P01"), null);
        assertThat(SubscriberFailure.of(SubscriberFailure.Kind.CONNECT_FAILED, null, refused, AT))
                .isEqualTo(new SubscriberFailure(SubscriberFailure.Kind.CONNECT_FAILED, "db1:5432", "28P01", AT));
    }

    @Test
    void aFailureWithoutAServerErrorOrAHostHasNeither() {
        assertThat(SubscriberFailure.of(SubscriberFailure.Kind.CONNECT_FAILED, null, new IllegalStateException("x"), AT))
                .isEqualTo(new SubscriberFailure(SubscriberFailure.Kind.CONNECT_FAILED, null, null, AT));
        assertThatThrownBy(() -> new SubscriberFailure(null, null, null, AT)).hasMessageContaining("kind");
        assertThatThrownBy(() -> new SubscriberFailure(SubscriberFailure.Kind.CONNECT_FAILED, null, null, null))
                .hasMessageContaining("at");
    }

    private static ServerErrorFields fields(String severity, String sqlState) {
        return new ServerErrorFields(Map.of('S', severity, 'V', severity, 'C', sqlState, 'M', "m"));
    }
}
