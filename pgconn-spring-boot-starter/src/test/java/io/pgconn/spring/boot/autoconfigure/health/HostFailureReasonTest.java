package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgClosedException;
import io.pgconn.PgConfigException;
import io.pgconn.PgConnectException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgServerException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;
import io.pgconn.ServerErrorFields;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The short reason health shows for a host: what the user configured, not the monitor's own settings. */
class HostFailureReasonTest {

    private static final HostSpec HOST = HostSpec.of("db1.test", 5432);

    @Test
    void aConnectThatRanOutOfTimeIsNamedByTheProbesTimeNotTheMonitorsConnectTimeout() {
        // the monitor's own config sets connectTimeout to the probe's time (host-connect-timeout):
        // the core's wording "connectTimeout=10000ms" named a setting the user had not set
        PgTimeoutException connect = new PgTimeoutException(HOST.label(),
                "could not connect within connectTimeout=10000ms: server db1.test:5432 had not completed the connection");
        assertThat(HostFailureReason.of(connect, HOST, Duration.ofSeconds(10)))
                .isEqualTo("no answer within 10000 ms (db1.test:5432)").doesNotContain("connectTimeout");
        assertThat(HostFailureReason.of(new TimeoutException(), HOST, Duration.ofSeconds(10)))
                .isEqualTo("no answer within 10000 ms (db1.test:5432)");
    }

    /** A path and a secret planted in every message: neither may reach health, whatever the kind. */
    private static final String DETAIL = "/dev/shm/secret-dir/untrusted-ca.pem Sentinel-Secret-5f1c";

    private static Map<Throwable, String> everyKind() {
        Map<Throwable, String> kinds = new LinkedHashMap<>();
        String h = HOST.label();
        kinds.put(new PgTlsException(h, "TLS handshake with " + h + " failed: server certificate chain not trusted by sslrootcert="
                + DETAIL, new SSLHandshakeException("PKIX path building failed " + DETAIL)), "TLS failed (db1.test:5432)");
        kinds.put(new PgAuthenticationException(h, "server " + h + " asked for scram-sha-256 authentication of user \"app\" but"
                + " no password was supplied " + DETAIL), "authentication failed (db1.test:5432)");
        kinds.put(new PgConnectException(h, "connect to " + h + ": " + DETAIL, new ConnectException("Connection refused " + DETAIL)),
                "connection refused (db1.test:5432)");
        kinds.put(new PgConnectException(h, "connect to " + h + ": " + DETAIL, new NoRouteToHostException(DETAIL)),
                "no route to host (db1.test:5432)");
        kinds.put(new PgConnectException(h, "could not translate host name " + DETAIL, new UnknownHostException(DETAIL)),
                "unknown host (db1.test:5432)");
        kinds.put(new PgConnectException(h, "server " + h + " reported FATAL: database \"" + DETAIL + "\" does not exist (SQLSTATE 3D000)",
                new ServerErrorFields(Map.of('C', "3D000", 'M', DETAIL)), null), "database does not exist, SQLSTATE 3D000 (db1.test:5432)");
        kinds.put(new PgServerException(h, "server " + h + " reported FATAL: sorry, too many clients already " + DETAIL,
                new ServerErrorFields(Map.of('C', "53300", 'M', DETAIL)), null), "too many connections, SQLSTATE 53300 (db1.test:5432)");
        kinds.put(new PgConnectException(h, "server " + h + " closed the connection during startup " + DETAIL),
                "connection failed (db1.test:5432)");
        kinds.put(new PgConnectException(h, "connection to " + h + " failed during startup: " + DETAIL, new IOException(DETAIL)),
                "connection failed (db1.test:5432)");
        kinds.put(new PgClosedException(h, "connection to " + h + " closed: " + DETAIL), "connection closed (db1.test:5432)");
        kinds.put(new PgProtocolException(h, "server " + h + " sent " + DETAIL), "protocol error (db1.test:5432)");
        kinds.put(new PgConfigException(h, "sslkey", DETAIL, "could not read sslkey " + DETAIL), "configuration error (db1.test:5432)");
        kinds.put(new IllegalStateException(DETAIL), "failed: IllegalStateException (db1.test:5432)");
        kinds.put(new IllegalStateException(), "failed: IllegalStateException (db1.test:5432)");
        return kinds;
    }

    @Test
    void everyKindOfFailureIsAFewWordsAndTheHostWithoutPathsOrSecrets() {
        // starter README (Health): "lastError is a few words and the host"; the whole message goes to the INFO log
        everyKind().forEach((failure, expected) -> assertThat(HostFailureReason.of(failure, HOST, Duration.ofSeconds(1)))
                .as("%s", failure).isEqualTo(expected).doesNotContain("/").doesNotContain("Sentinel").hasSizeLessThan(60));
    }
}
