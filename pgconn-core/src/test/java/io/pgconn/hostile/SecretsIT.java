package io.pgconn.hostile;

import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testing.RecordingTracer;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never leak (docs/lifecycle.md ground rules and §1.4): connects that succeed and fail — against a real
 * server and against scripted ones, with every authentication method — while every log record (JUL,
 * which {@code System.Logger} and Netty use here, at ALL), everything printed to stdout/stderr, every
 * exception with its causes and suppressed exceptions, every {@code toString} and every tracer event
 * is captured; the recognisable passwords appear in none of it.
 */
class SecretsIT {

    private static final String REAL_PASSWORD = "Real-Secret-41d7";
    private static final String WRONG_PASSWORD = "Wrong-Secret-83b2";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("secrets")
            .user(PgUser.scram("scram_user", REAL_PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
            .user(PgUser.md5("md5_user", REAL_PASSWORD).allow(ConnectionType.HOST, AuthMethod.MD5))
            .build();

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final RecordingTracer tracer = new RecordingTracer();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            seen.add(formatter.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level rootLevel;
    private PrintStream out;
    private PrintStream err;

    @BeforeEach
    void captureEverything() {
        Logger root = Logger.getLogger("");
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        out = System.out;
        err = System.err;
        PrintStream tee = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        System.setErr(tee);
    }

    @AfterEach
    void restore() {
        Logger root = Logger.getLogger("");
        root.removeHandler(capture);
        root.setLevel(rootLevel);
        System.setOut(out);
        System.setErr(err);
    }

    @Test
    void realServerLoginsLeakNoPassword() throws Exception {
        for (String user : List.of("scram_user", "md5_user")) {
            ConnConfig good = Connect.config(PG.primary(), user, REAL_PASSWORD, "sslmode=disable extensionTypes=''");
            ConnConfig bad = Connect.config(PG.primary(), user, WRONG_PASSWORD, "sslmode=disable extensionTypes=''");
            try (PgConnectionFactory factory = PgConnectionFactory.builder(good).threads(1).tracer(tracer).build()) {
                PgConnection connection = (PgConnection) outcome(factory.connect(good));
                outcome(connection.simpleQuery("SELECT 1"));
                outcome(connection.close());
                outcome(factory.connect(bad));
                seen.add(good.toString());
                seen.add(bad.toString());
                seen.add(factory.toString());
                seen.add(factory.hostStatuses().toString());
            }
        }
        assertNoSecret(REAL_PASSWORD, WRONG_PASSWORD);
    }

    @Test
    void scriptedLoginsLeakNoPassword() {
        List<ScriptedServer.Script> scripts = List.of(
                c -> {
                    c.readStartupRefusingTls();
                    c.send(Backend.authenticationCleartext());
                    c.readMessage();
                    c.send(Backend.trustLogin());
                },
                c -> {
                    c.readStartupRefusingTls();
                    c.send(Backend.authenticationMd5(new byte[]{1, 2, 3, 4}));
                    c.readMessage();
                    c.send(Backend.errorResponse("28P01", "password authentication failed for user \"alice\""));
                },
                c -> {
                    c.readStartupRefusingTls();
                    c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
                    ScramServerSide scram = ScramServerSide.begin(c);
                    c.send(Backend.saslContinue(scram.serverFirst()));
                    Conversation.Message clientFinal = c.readMessage();
                    c.send(Backend.saslFinal(scram.serverFinal(clientFinal, HostileClient.PASSWORD)), Backend.trustLogin());
                },
                c -> {
                    c.readStartupRefusingTls();
                    c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
                    ScramServerSide scram = ScramServerSide.begin(c);
                    c.send(Backend.saslContinue(scram.serverFirst()));
                    c.readMessage();
                    c.send(Backend.saslFinal("v=AAAA"));
                },
                c -> {
                    c.readStartupRefusingTls();
                    c.send(Backend.authenticationCleartext());
                    c.readMessage(); // then silence: a timeout with the password already sent
                });
        for (ScriptedServer.Script script : scripts) {
            try (ScriptedServer server = ScriptedServer.start(script);
                 HostileClient client = new HostileClient("sslmode=prefer hostConnectTimeout=500ms", tracer, server, server)) {
                Object result = outcome(client.factory().connect());
                if (result instanceof PgConnection connection) {
                    outcome(connection.close());
                }
                seen.add(client.factory().toString());
                seen.add(client.factory().config().toString());
                seen.add(client.factory().hostStatuses().toString());
            }
        }
        assertNoSecret(HostileClient.PASSWORD);
    }

    /** The value or the failure of a future, recorded in full (toString, stack trace with causes and suppressed). */
    private Object outcome(CompletableFuture<?> future) throws RuntimeException {
        try {
            Object value = future.get(20, TimeUnit.SECONDS);
            seen.add(String.valueOf(value));
            return value;
        } catch (ExecutionException e) {
            StringWriter trace = new StringWriter();
            e.getCause().printStackTrace(new PrintWriter(trace));
            seen.add(trace.toString());
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void assertNoSecret(String... secrets) {
        List<String> all = new ArrayList<>(seen);
        tracer.events().forEach(event -> all.add(describe(event)));
        all.add(printed.toString(StandardCharsets.UTF_8));
        assertThat(tracer.events()).as("tracer events were captured").isNotEmpty();
        assertThat(seen).as("failures were captured").anySatisfy(s -> assertThat(s).contains("Exception"));
        for (String secret : secrets) {
            assertThat(all).as("text that mentions " + secret).noneSatisfy(s -> assertThat(s).contains(secret));
        }
    }

    /** An event's toString, plus the full stack trace of any error it carries. */
    private static String describe(Object event) {
        StringBuilder text = new StringBuilder(event.toString());
        for (var component : event.getClass().getRecordComponents()) {
            try {
                if (component.getAccessor().invoke(event) instanceof Throwable t) {
                    StringWriter trace = new StringWriter();
                    t.printStackTrace(new PrintWriter(trace));
                    text.append('\n').append(trace);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return text.toString();
    }
}
