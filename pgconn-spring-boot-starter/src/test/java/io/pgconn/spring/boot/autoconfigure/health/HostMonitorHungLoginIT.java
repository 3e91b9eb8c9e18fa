package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.HostStatus;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.SslMode;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.ScriptedServer;
import io.pgconn.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review F11: a {@link HostMonitor} whose new login hangs — the server accepts TCP and never answers
 * it (a SIGSTOPped postmaster, a hanging authentication) — while the sessions already open keep
 * answering, the application's among them. A scripted server plays that host: sessions opened before
 * {@link #loginsHang} answer the role probe; logins after it get nothing. The monitor must show the
 * host full — no new connections, its sessions serving (NEW-USER-21 F2: a busy pooler's queue) — close none of the application's connections (the host is not
 * silent: its sessions answer), end every hung login within the probe timeout and close its channel.
 * When the sessions are silent too, the docs' rule holds: two unanswered probes in a row close them.
 */
class HostMonitorHungLoginIT {

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(400);

    private static final Duration RELOGIN_INTERVAL = Duration.ofSeconds(10);

    private static final String[] ROLE_COLUMNS = {"pg_is_in_recovery", "current_setting"};

    private static final String[] IDENTITY_COLUMNS = {"coalesce", "pg_postmaster_start_time"};

    /** New logins get no answer (the postmaster stopped); sessions already open are not affected. */
    private volatile boolean loginsHang;

    /** Sessions already open stop answering too (the whole server stopped). */
    private volatile boolean sessionsSilent;

    private final AtomicInteger hungLogins = new AtomicInteger();

    /** Hung logins whose channel the client closed. */
    private final AtomicInteger hungLoginsEnded = new AtomicInteger();

    private final MutableClock clock = new MutableClock();

    private ScriptedServer server;

    private PgConnectionFactory application;

    private PgConnectionFactory monitors;

    private HostMonitor monitor;

    @BeforeEach
    void monitor() {
        this.server = ScriptedServer.start(this::play);
        HostSpec host = HostSpec.of("127.0.0.1", this.server.port());
        this.application = PgConnectionFactory.create(ConnConfig.builder().hosts(host).user("app").password("Hostile-Secret-9c1e")
                .database("app").sslMode(SslMode.DISABLE).extensionTypes(List.of()).build());
        this.monitors = this.application.builderWithSameTls(this.application.config()).threads(1).build();
        this.monitor = new HostMonitor(host, this.monitors, this.application, Duration.ofSeconds(1), PROBE_TIMEOUT,
                this.clock, view -> { }, true, RELOGIN_INTERVAL);
    }

    @AfterEach
    void close() {
        this.monitor.close();
        this.monitors.closeAsync(Duration.ofSeconds(2)).join();
        this.application.closeAsync(Duration.ofSeconds(2)).join();
        this.server.close();
        this.server.assertScriptsPassed();
    }

    /** A trust login whose session answers every role probe, or a login that never gets an answer. */
    private void play(Conversation c) throws Exception {
        if (this.loginsHang) {
            this.hungLogins.incrementAndGet();
            try {
                c.awaitClientClose(); // reads the startup packet and whatever follows; answers nothing
            } finally {
                this.hungLoginsEnded.incrementAndGet();
            }
            return;
        }
        c.readStartupRefusingTls();
        c.send(Backend.trustLogin());
        for (Conversation.Message message = c.readMessage(); message.type() != 'X'; message = c.readMessage()) {
            assertThat(message.type()).as("a simple query (the role probe, or the login's server identity)").isEqualTo('Q');
            if (!this.sessionsSilent) {
                c.send(message.bodyText().contains("inet_server_addr")
                        ? Backend.oneRow(IDENTITY_COLUMNS, new String[] {"127.0.0.1:5432", "2026-12-07 01:00:00.1+00"})
                        : Backend.oneRow(ROLE_COLUMNS, new String[] {"f", "off"}));
            }
        }
    }

    /** One probe, which must end within the probe timeout (plus scheduling slack), hung login or not. */
    private void probe() throws Exception {
        long start = System.nanoTime();
        this.monitor.probe().get(30, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the probe's time")
                .isLessThan(PROBE_TIMEOUT.plusSeconds(2));
    }

    @Test
    void loginsThatHangWhileTheSessionsAnswerShowTheHostFullAndCloseNoApplicationConnection() throws Exception {
        PgConnection connection = this.application.connect().get(30, TimeUnit.SECONDS);
        probe();
        assertThat(this.monitor.view().isUp()).isTrue();
        this.loginsHang = true;
        for (int i = 1; i <= 3; i++) {
            this.clock.advance(RELOGIN_INTERVAL); // each probe replaces its session by a new login
            probe();
            String reason = "no answer to a new login within 400 ms (" + this.server.label() + ")";
            assertThat(this.monitor.view().state()).as("after hung login " + i).isEqualTo(HostStatus.State.FULL);
            assertThat(this.monitor.view().error()).as("after hung login " + i).isEqualTo(reason);
            // what a pool's validation reads (SessionValidity): full keeps the pool's sessions, down evicted them
            // all (NEW-USER-21 F2: behind a busy PgBouncer, health DOWN and working sessions evicted as host-down)
            assertThat(this.application.hostStatus(this.server.label()).state()).as("the factory's host memory after hung login " + i)
                    .isEqualTo(HostStatus.State.FULL);
            assertThat(FullHostWarning.of(this.monitor.view())).as("health's warning").startsWith(this.server.label()
                    + " takes no new connections: " + reason + " while its open sessions answer");
            assertThat(connection.isClosed()).as("the application's connection after hung login " + i).isFalse();
            probe(); // within the relogin interval: the open session is asked, no login (each one a client in a pooler's queue)
            assertThat(this.monitor.view().state()).as("still full, its session answering").isEqualTo(HostStatus.State.FULL);
            int logins = i;
            awaitCondition(logins + " hung logins accepted by the server", Duration.ofSeconds(5), () -> this.hungLogins.get() == logins);
        }
        assertThat(connection.currentRole().get(5, TimeUnit.SECONDS)).isEqualTo(ServerRole.PRIMARY);
        assertThat(this.application.openConnections()).isEqualTo(1);
        // the scripted server counts a login when its player thread accepts it, after the client's
        // connect completed in the kernel: waited for, not read at once
        awaitCondition("3 hung logins accepted by the server", Duration.ofSeconds(5), () -> this.hungLogins.get() == 3);
        awaitCondition("every hung login's channel closed by the monitor", Duration.ofSeconds(5),
                () -> this.hungLoginsEnded.get() == 3);

        this.loginsHang = false; // the postmaster resumes: the next probe logs in and the host is up again
        this.clock.advance(RELOGIN_INTERVAL);
        probe();
        assertThat(this.monitor.view().isUp()).isTrue();
    }

    @Test
    void aHostWhoseSessionsAreSilentTooHasTheApplicationsConnectionsClosedAtTheSecondUnansweredProbe() throws Exception {
        PgConnection connection = this.application.connect().get(30, TimeUnit.SECONDS);
        probe();
        this.loginsHang = true;
        this.sessionsSilent = true;
        this.clock.advance(RELOGIN_INTERVAL);
        probe(); // the new login and the open session: no answer from either
        assertThat(this.monitor.view().error()).isEqualTo("no answer within 400 ms (" + this.server.label() + ")");
        assertThat(connection.isClosed()).as("after the first unanswered probe").isFalse();
        probe(); // no session left: a login, unanswered
        awaitCondition("the application's connection to the silent host closed", connection::isClosed);
        awaitCondition("every hung login's channel closed by the monitor", Duration.ofSeconds(5),
                () -> this.hungLoginsEnded.get() == this.hungLogins.get());
    }
}
