package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerErrorFields;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spi.HostObservations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The INFO line a host's going down writes once: the short reason health shows and the failure's whole
 * message, without saying the same thing twice (new user 7 F4: "connection refused (db:5432) (connection
 * refused to db:5432 (...))").
 */
@ExtendWith(OutputCaptureExtension.class)
class HostMonitorDownLogTest {

    private static final HostSpec HOST = HostSpec.of("db.test", 5432);

    @Test
    void aRefusedHostIsLoggedDownSayingRefusedOnce(CapturedOutput output) {
        probeFailingWith(new PgConnectException(HOST.label(),
                "connection refused to db.test:5432 (db.test/10.0.0.1:5432)", new ConnectException("Connection refused")));

        String line = downLine(output);
        assertThat(line).endsWith("is down: connection refused to db.test:5432 (db.test/10.0.0.1:5432)");
        assertThat(line.split("(?i)refused", -1)).as("'refused' once in: " + line).hasSize(2);
    }

    @Test
    void aMessageThatSaysMoreThanTheReasonFollowsIt(CapturedOutput output) {
        probeFailingWith(new PgAuthenticationException(HOST.label(), "password authentication failed for user \"app\"",
                new ServerErrorFields(Map.of('S', "FATAL", 'C', "28P01", 'M', "refused")), null));

        assertThat(downLine(output)).endsWith("is down: authentication failed (db.test:5432) "
                + "(password authentication failed for user \"app\")");
    }

    /**
     * AUDIT-15 L5: a server error with a HINT has it on a line of its own; the "is down" line keeps the whole
     * message on its one line, the HINT joined to the error it belongs to, as a subscriber's lastError does.
     */
    @Test
    void aServerErrorsHintStaysOnTheDownLine(CapturedOutput output) {
        probeFailingWith(new PgConnectException(HOST.label(), "server db.test:5432 reported FATAL: invalid value for parameter"
                + " \"work_mem\": \"1zz\" (SQLSTATE 22023)\nHINT: Valid units for this parameter are \"B\", \"kB\".",
                new ServerErrorFields(Map.of('S', "FATAL", 'C', "22023", 'M', "invalid value")), null));

        assertThat(downLine(output)).endsWith("is down: server error 22023 (db.test:5432) (server db.test:5432 reported FATAL:"
                + " invalid value for parameter \"work_mem\": \"1zz\" (SQLSTATE 22023); HINT: Valid units for this parameter are"
                + " \"B\", \"kB\".)");
        assertThat(output.getAll()).doesNotContain("\nHINT:");
    }

    /** New user 10 F4: the line names the factory bean whose host it is (two factories on one server shared the host). */
    @Test
    void theLineNamesTheFactoryBean(CapturedOutput output) {
        probeFailingWith(new PgConnectException(HOST.label(), "connection refused to db.test:5432",
                new ConnectException("Connection refused")), "reportingPg");
        assertThat(output.getAll()).contains("pgconn health [reportingPg]: host db.test:5432 is down: connection refused")
                .doesNotContain("[pgConnectionFactory]");
    }

    private static void probeFailingWith(Throwable failure) {
        probeFailingWith(failure, "pgConnectionFactory");
    }

    private static void probeFailingWith(Throwable failure, String factoryName) {
        PgConnectionFactory application = mock(PgConnectionFactory.class);
        when(application.hostObservations(org.mockito.ArgumentMatchers.any())).thenReturn(mock(HostObservations.class));
        when(application.config()).thenReturn(ConnConfig.builder().hosts(HOST).user("app").password("Secret-pw").build());
        PgConnectionFactory monitorFactory = mock(PgConnectionFactory.class);
        when(monitorFactory.connect(any(ConnConfig.class))).thenReturn(CompletableFuture.failedFuture(failure));
        HostMonitor monitor = new HostMonitor(HOST, monitorFactory, application, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Clock.systemUTC(), view -> { }, true, Duration.ZERO, factoryName);
        monitor.probe().join();
        assertThat(monitor.view().isUp()).isFalse();
    }

    private static String downLine(CapturedOutput output) {
        return output.getAll().lines().filter(line -> line.contains("pgconn health [pgConnectionFactory]: host db.test:5432 is down"))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError("no 'is down' line in:\n" + output.getAll()));
    }
}
