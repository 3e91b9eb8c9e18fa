package io.pgconn.internal.failover;

import io.pgconn.PgRoleMismatchException;
import io.pgconn.ServerRole;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.hostile.Backend;
import io.pgconn.hostile.Conversation;
import io.pgconn.hostile.HostileClient;
import io.pgconn.hostile.Refusal;
import io.pgconn.hostile.ScriptedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The role probe (docs/lifecycle.md §2.2) against servers that do not report {@code in_hot_standby} /
 * {@code default_transaction_read_only} (PostgreSQL before 14, poolers): a real PostgreSQL 14+
 * always reports them, so a scripted server plays the old one. The role then comes from one probe
 * query; a probe that fails or says nothing decisive skips the host (fail closed).
 */
class RoleProbeIT {

    private static final String[] PROBE_COLUMNS = {"pg_is_in_recovery", "current_setting"};

    /** Logs in without role parameters, expects the probe query and answers it with {@code answer}. */
    private static ScriptedServer.Script answeringTheProbe(byte[] answer) {
        return c -> {
            c.readStartupRefusingTls();
            c.send(Backend.loginWithoutRoleParameters());
            Conversation.Message query = c.readMessage();
            assertThat(query.type()).isEqualTo('Q');
            assertThat(query.bodyText()).contains("pg_is_in_recovery()").contains("transaction_read_only");
            c.send(answer);
            c.awaitClientClose();
        };
    }

    @ParameterizedTest(name = "in recovery {0}, read-only {1}, target_session_attrs={2} → {3}")
    @CsvSource({
            "t, on,  standby,    STANDBY",
            "t, on,  read-only,  STANDBY",
            "f, off, read-write, PRIMARY",
            "f, off, primary,    PRIMARY",
            "f, on,  read-only,  READ_ONLY_PRIMARY",
    })
    void theProbeDecidesTheRole(String inRecovery, String readOnly, String target, ServerRole expected) throws Exception {
        connectsAs(answeringTheProbe(Backend.oneRow(PROBE_COLUMNS, new String[]{inRecovery, readOnly})), target, expected);
    }

    @Test
    void aProbedRoleThatDoesNotMatchIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(answeringTheProbe(Backend.oneRow(PROBE_COLUMNS, new String[]{"t", "on"})))) {
            Refusal.expect(server, "sslmode=disable target_session_attrs=read-write", PgRoleMismatchException.class,
                    "is standby, not acceptable for target_session_attrs=read-write");
        }
    }

    @Test
    void aFailedProbeSkipsTheHost() {
        try (ScriptedServer server = ScriptedServer.start(answeringTheProbe(concat(
                Backend.errorResponse("42501", "permission denied for function pg_is_in_recovery"), Backend.readyForQuery())))) {
            Refusal.expect(server, "sslmode=disable target_session_attrs=standby", PgConnectException.class,
                    "could not determine the role", "permission denied");
        }
    }

    @Test
    void anIndecisiveProbeSkipsTheHost() {
        try (ScriptedServer server = ScriptedServer.start(answeringTheProbe(Backend.oneRow(PROBE_COLUMNS, new String[]{"maybe", "on"})))) {
            Refusal.expect(server, "sslmode=disable target_session_attrs=standby", PgConnectException.class,
                    "returned no decisive answer");
        }
    }

    @Test
    void anyNeedsNoProbe() throws Exception {
        connectsAs(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.loginWithoutRoleParameters());
            c.awaitClientClose(); // a probe query would go unanswered: the connect would time out
        }, "any", ServerRole.UNKNOWN);
    }

    /**
     * REVIEW-31 R31-10: as libpq 18, {@code primary}, {@code standby} and {@code prefer-standby} decide from
     * {@code in_hot_standby} alone when {@code default_transaction_read_only} was not reported (a proxy that forwards
     * the one), and a standby is read-only for every target: no probe. The server answers a query as such a proxy did
     * in the review — EmptyQueryResponse, nothing decisive —, so a probe fails the connect; and the script fails on it.
     */
    @ParameterizedTest(name = "in_hot_standby={0}, target_session_attrs={1} → {2}, no probe")
    @CsvSource({
            "off, primary,        PRIMARY",
            "on,  standby,        STANDBY",
            "on,  prefer-standby, STANDBY",
            "off, prefer-standby, PRIMARY",
            "on,  read-only,      STANDBY",
    })
    void inHotStandbyAloneDecidesWithoutAProbe(String inHotStandby, String target, ServerRole expected) throws Exception {
        connectsAs(notProbed(inHotStandby), target, expected);
    }

    @ParameterizedTest(name = "in_hot_standby={0}, target_session_attrs={1}: refused, no probe")
    @CsvSource({
            "on,  primary,    standby",
            "off, standby,    primary",
            "on,  read-write, standby",
    })
    void inHotStandbyAloneRefusesWithoutAProbe(String inHotStandby, String target, String role) {
        try (ScriptedServer server = ScriptedServer.start(notProbed(inHotStandby))) {
            Refusal.expect(server, "sslmode=disable target_session_attrs=" + target, PgRoleMismatchException.class,
                    "is " + role + ", not acceptable for target_session_attrs=" + target);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /** {@code read-write} needs {@code default_transaction_read_only} too: with {@code in_hot_standby=off} alone it probes. */
    @ParameterizedTest(name = "in_hot_standby=off, read-only {0}: read-write → {1}")
    @CsvSource({
            "off, PRIMARY",
            "on,  READ_ONLY_PRIMARY",
    })
    void readWriteProbesForWhatIsMissing(String readOnly, ServerRole probed) throws Exception {
        ScriptedServer.Script script = c -> {
            c.readStartupRefusingTls();
            c.send(loginReportingOnly("off"));
            Conversation.Message query = c.readMessage();
            assertThat(query.type()).isEqualTo('Q');
            assertThat(query.bodyText()).contains("pg_is_in_recovery()").contains("transaction_read_only");
            c.send(Backend.oneRow(PROBE_COLUMNS, new String[]{"f", readOnly}));
            c.awaitClientClose();
        };
        if (probed == ServerRole.PRIMARY) {
            connectsAs(script, "read-write", probed);
        } else {
            try (ScriptedServer server = ScriptedServer.start(script)) {
                Refusal.expect(server, "sslmode=disable target_session_attrs=read-write", PgRoleMismatchException.class,
                        "is read-only, not acceptable for target_session_attrs=read-write");
            }
        }
    }

    /**
     * Logs in reporting {@code in_hot_standby} but not {@code default_transaction_read_only}; the next message must be
     * the client's Terminate. A query (the probe) is answered with EmptyQueryResponse and fails the script.
     */
    private static ScriptedServer.Script notProbed(String inHotStandby) {
        return c -> {
            c.readStartupRefusingTls();
            c.send(loginReportingOnly(inHotStandby));
            Conversation.Message next = c.readMessage();
            if (next.type() == 'Q') {
                c.send(Backend.message('I', new byte[0]), Backend.readyForQuery());
            }
            assertThat(next.type()).as("the client's next message (Q: a probe, %s)", next.bodyText()).isEqualTo('X');
        };
    }

    /**
     * An established session behind a proxy that forwards only {@code in_hot_standby} hears its server's demotion
     * and promotion and tells the host memory, as a connect for {@code primary} decides (docs/lifecycle.md §2.2):
     * with both values needed, the host memory kept the role of the connect (session 31's leftover).
     */
    @Test
    void aSessionHearingInHotStandbyAloneTellsTheHostMemory() throws Exception {
        String[] columns = {"?column?"};
        ScriptedServer.Script script = c -> {
            c.readStartupRefusingTls();
            c.send(loginReportingOnly("off"));
            for (String heard : new String[]{"on", "off"}) {
                assertThat(c.readMessage().type()).isEqualTo('Q');
                c.send(concat(Backend.parameterStatus("in_hot_standby", heard), Backend.oneRow(columns, new String[]{"1"})));
            }
            c.awaitClientClose();
        };
        try (ScriptedServer server = ScriptedServer.start(script);
             HostileClient client = new HostileClient(server, "sslmode=disable target_session_attrs=primary")) {
            PgConnection connection = client.connect();
            assertThat(client.factory().hostStatuses().get(0).role()).isEqualTo(ServerRole.PRIMARY);
            connection.simpleQuery("SELECT 1").get(5, TimeUnit.SECONDS);
            assertThat(client.factory().hostStatuses().get(0).role()).as("demoted: in_hot_standby=on heard").isEqualTo(ServerRole.STANDBY);
            connection.simpleQuery("SELECT 1").get(5, TimeUnit.SECONDS);
            assertThat(client.factory().hostStatuses().get(0).role()).as("promoted: in_hot_standby=off heard").isEqualTo(ServerRole.PRIMARY);
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    private static byte[] loginReportingOnly(String inHotStandby) {
        return concat(concat(concat(Backend.authenticationOk(), Backend.parameterStatus("server_version", "18.0")),
                Backend.parameterStatus("in_hot_standby", inHotStandby)),
                concat(Backend.backendKeyData(4242, new byte[]{1, 2, 3, 4}), Backend.readyForQuery()));
    }

    /** Connects with {@code target} to a server playing {@code script}; the connection has {@code role}, and the script passed. */
    private static void connectsAs(ScriptedServer.Script script, String target, ServerRole role) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(script);
             HostileClient client = new HostileClient(server, "sslmode=disable target_session_attrs=" + target)) {
            PgConnection connection = client.connect();
            assertThat(connection.role()).isEqualTo(role);
            connection.close().get(5, TimeUnit.SECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
