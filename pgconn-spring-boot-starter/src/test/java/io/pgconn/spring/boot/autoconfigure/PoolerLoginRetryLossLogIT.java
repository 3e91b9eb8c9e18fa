package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NEW-USER-24 F3 on the wire: a PgBouncer whose server went away during a switchover accepts every login and ends the
 * session at its first query — FATAL 08P01 "server login has been failing, try again later (server_login_retry)" —
 * until its server_login_retry has passed. A scripted server plays that pooler for {@value #FAILING} logins, then
 * answers again. Before, each accepted login ended the loss period, so every pooled connect was a WARN "ended a
 * session" and an INFO "a connect ... succeeds again" (418 lines in 15 s); now the whole episode is one WARN, and one
 * INFO at the first statement that succeeds, counting every session lost.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolerLoginRetryLossLogIT {

    private static final int FAILING = 20;

    private static final String[] ONE_COLUMN = {"?column?"};

    /** Sessions end at their first query while true (the pooler's server_login_retry). */
    private volatile boolean loginRetry = true;

    private ScriptedServer pooler;

    private PgConnectionFactory factory;

    @BeforeEach
    void start() {
        this.pooler = ScriptedServer.start(this::play);
        this.factory = PgConnectionFactory.builder(ConnConfig.builder().hosts(HostSpec.of("127.0.0.1", this.pooler.port()))
                        .user("app").password("Pooler-Secret-51f0").database("app").sslMode(SslMode.DISABLE)
                        .extensionTypes(List.of()).build())
                .tracer(new FailoverTracker("poolerPg")).build();
    }

    @AfterEach
    void stop() {
        this.factory.closeAsync(Duration.ofSeconds(5)).join();
        this.pooler.close();
        this.pooler.assertScriptsPassed();
    }

    /** A trust login; then, during the login retry, FATAL 08P01 at the first query, else an answer to each. */
    private void play(Conversation c) throws Exception {
        c.readStartupRefusingTls();
        c.send(Backend.trustLogin());
        for (Conversation.Message message = c.readMessage(); message.type() != 'X'; message = c.readMessage()) {
            if (this.loginRetry) {
                c.send(Backend.errorResponse("08P01", "server login has been failing, try again later (server_login_retry)"));
                c.close();
                return;
            }
            c.send(Backend.oneRow(ONE_COLUMN, new String[] {"1"}));
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPoolersLoginRetryIsOneWarnAndOneInfoNotAPairPerConnect(CapturedOutput output) throws Exception {
        String host = this.pooler.label();
        for (int i = 0; i < FAILING; i++) {
            PgConnection connection = this.factory.connect().get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> connection.simpleQuery("SELECT 1").get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("server_login_retry");
            awaitCondition("the session ended", Duration.ofSeconds(30), connection::isClosed);
        }
        this.loginRetry = false;
        PgConnection connection = this.factory.connect().get(30, TimeUnit.SECONDS);
        try {
            assertThat(connection.simpleQuery("SELECT 1").get(30, TimeUnit.SECONDS).singleValue()).isEqualTo("1");
        } finally {
            connection.close().get(30, TimeUnit.SECONDS);
        }

        List<String> lines = output.getAll().lines().filter(line -> line.contains("HostSessionLossLog") && line.contains(host)).toList();
        assertThat(lines).as("the episode's lines (before: a WARN and an INFO per connect)").hasSize(2);
        assertThat(lines.get(0)).contains("WARN").contains("pgconn [poolerPg]: host " + host + " ended a session: ")
                .contains("(SQLSTATE 08P01)");
        assertThat(lines.get(1)).contains("INFO").contains("pgconn [poolerPg]: a statement on " + host + " succeeds again, ")
                .endsWith(FAILING + " sessions lost there meanwhile");
        assertThat(output.getAll()).doesNotContain("Pooler-Secret-51f0");
    }
}
