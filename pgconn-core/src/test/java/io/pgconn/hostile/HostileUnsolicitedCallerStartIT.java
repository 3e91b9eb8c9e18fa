package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.internal.session.SessionAccess;
import io.pgconn.testing.Conditions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.pgconn.hostile.Backend.cstring;
import static io.pgconn.hostile.Backend.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages the session did not ask for — a ParameterStatus, a NoticeResponse — arriving on an idle session while a
 * blocked caller starts its statements on its own thread (docs/query.md §1): in the same read as the ReadyForQuery
 * before them (the caller may own the session between the two), or in a write of their own a moment later (the loop
 * reads them while a caller owns the session, or is about to). Every statement still gets its own answer, every notice
 * reaches the listener in order, the parameter map ends at the last value sent, and the caller's way was taken.
 */
class HostileUnsolicitedCallerStartIT {

    private static final int STATEMENTS = 400;
    private static final int TEXT = 25;

    /**
     * Answers every extended-protocol message as a server would a one-text-column {@code SELECT} whose k-th execution
     * returns {@code row-k}; after each ReadyForQuery, a ParameterStatus {@code application_name=app-k} and a NOTICE
     * {@code notice-k}, odd k in the same write, even k in a write of their own. Ends at the client's Terminate.
     */
    private static void answerEverything(Conversation c) throws IOException {
        c.readStartupRefusingTls();
        c.send(Backend.trustLogin());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int executed = 0;
        for (;;) {
            Conversation.Message m = c.readMessage();
            switch (m.type()) {
                case 'P' -> pending.writeBytes(message('1', new byte[0]));
                case 'D' -> {
                    if (m.body()[0] == 'S') {
                        pending.writeBytes(message('t', new byte[]{0, 0}));
                    }
                    pending.writeBytes(rowDescription());
                }
                case 'B' -> pending.writeBytes(message('2', new byte[0]));
                case 'E' -> {
                    executed++;
                    pending.writeBytes(dataRow("row-" + executed));
                    pending.writeBytes(message('C', cstring("SELECT 1")));
                }
                case 'C' -> pending.writeBytes(message('3', new byte[0]));
                case 'H' -> {
                    c.send(pending.toByteArray());
                    pending.reset();
                }
                case 'S' -> {
                    pending.writeBytes(Backend.readyForQuery());
                    byte[] unsolicited = unsolicited(executed);
                    if (executed % 2 == 1) {
                        pending.writeBytes(unsolicited);
                        c.send(pending.toByteArray());
                    } else {
                        c.send(pending.toByteArray());
                        c.send(unsolicited);
                    }
                    pending.reset();
                }
                case 'X' -> {
                    return;
                }
                default -> throw new AssertionError("unexpected message " + m.type());
            }
        }
    }

    private static byte[] unsolicited(int k) {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(Backend.parameterStatus("application_name", "app-" + k));
        ByteArrayOutputStream notice = new ByteArrayOutputStream();
        for (String[] field : new String[][] {{"S", "NOTICE"}, {"V", "NOTICE"}, {"C", "00000"}, {"M", "notice-" + k}}) {
            notice.write(field[0].charAt(0));
            notice.writeBytes(cstring(field[1]));
        }
        notice.write(0);
        both.writeBytes(message('N', notice.toByteArray()));
        return both.toByteArray();
    }

    @Test
    void unsolicitedParameterStatusAndNoticesBetweenCallerStartedStatementsReachTheirPlaces() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(HostileUnsolicitedCallerStartIT::answerEverything);
             HostileClient client = new HostileClient(server, "sslmode=disable")) {
            PgConnection c = client.connect();
            List<String> notices = new CopyOnWriteArrayList<>();
            c.noticeListener(notice -> notices.add(notice.message()));
            for (int k = 1; k <= STATEMENTS; k++) {
                String answer = c.query("SELECT v FROM t").get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)
                        .single(String.class);
                assertThat(answer).as("statement %d's own answer", k).isEqualTo("row-" + k);
            }
            Conditions.awaitCondition("every notice heard", Duration.ofSeconds(10), () -> notices.size() >= STATEMENTS);
            List<String> expected = new ArrayList<>();
            for (int k = 1; k <= STATEMENTS; k++) {
                expected.add("notice-" + k);
            }
            assertThat(notices).as("every notice, in order").containsExactlyElementsOf(expected);
            assertThat(c.parameter("application_name")).as("the last ParameterStatus").isEqualTo("app-" + STATEMENTS);
            assertThat(SessionAccess.startedOnCaller(c)).as("statements started on the caller's thread").isPositive();
            c.close().get(HostileClient.CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            server.awaitConnectionsEnded(Duration.ofSeconds(5));
            server.assertScriptsPassed();
        }
    }

    /** Text columns (the binary form of text is its UTF-8 bytes, so either format reads the same). */
    private static byte[] rowDescription() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(2).putShort((short) 1).array());
        body.writeBytes(cstring("v"));
        body.writeBytes(ByteBuffer.allocate(18).putInt(0).putShort((short) 0).putInt(TEXT).putShort((short) -1)
                .putInt(-1).putShort((short) 0).array());
        return message('T', body.toByteArray());
    }

    private static byte[] dataRow(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return message('D', ByteBuffer.allocate(2 + 4 + bytes.length).putShort((short) 1).putInt(bytes.length).put(bytes).array());
    }
}
