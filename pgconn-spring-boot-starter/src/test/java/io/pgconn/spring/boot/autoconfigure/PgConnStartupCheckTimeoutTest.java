package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.PgTimeoutException;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * user4's F10: a connect that ran out of time is reported with the deadlines in the starter's
 * spelling (pg.conn.connect-timeout), not only core's "connectTimeout=5ms".
 */
class PgConnStartupCheckTimeoutTest {

    @Test
    void aTimedOutConnectNamesTheStartersDeadlineProperties() {
        PgConnectionFactory factory = mock(PgConnectionFactory.class);
        when(factory.config()).thenReturn(ConnConfig.builder().hosts(HostSpec.of("db.test", 5432)).user("app")
                .connectTimeout(Duration.ofMillis(5)).hostConnectTimeout(Duration.ofMillis(2)).build());
        when(factory.connect()).thenReturn(CompletableFuture.failedFuture(new PgTimeoutException("db.test:5432",
                "could not connect within connectTimeout=5ms: server db.test:5432 had not completed the connection")));
        Throwable failure = catchThrowable(() -> new PgConnStartupCheck(factory, StartupCheck.FAIL, List.of()).checkBeforeFirstUse());
        assertThat(failure).isInstanceOf(PgConnStartupCheckException.class);
        assertThat(failure.getMessage()).contains("connectTimeout=5ms")
                .contains("deadlines: pg.conn.connect-timeout=5ms, pg.conn.host-connect-timeout=2ms; a duration without a unit is milliseconds");
        // new user 6 F3: the Action fits a connect that got no answer
        assertThat(((PgConnStartupCheckException) failure).getAction()).contains("'pg.conn.connect-timeout'")
                .contains("'pg.conn.host-connect-timeout'");
    }
}
