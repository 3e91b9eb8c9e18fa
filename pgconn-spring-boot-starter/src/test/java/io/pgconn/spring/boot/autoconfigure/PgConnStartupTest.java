package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.testing.RecordingTracer;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Start-up: a host must be named somewhere; {@code pg.conn.startup-check} none, warn and fail. */
@ExtendWith(OutputCaptureExtension.class)
class PgConnStartupTest {

    private static final String UNKNOWN_HOST = "no-such-host.invalid";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.ssl.mode=disable", "pg.conn.connect-timeout=3s");

    @Test
    void noHostAnywhereFailsNamingUrlAndHosts() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner);
        assertThat(analysis.getDescription()).contains("'pg.conn.url'", "'pg.conn.hosts'", "PGHOST");
        assertThat(analysis.getAction()).contains("pg.conn.hosts", "pg.conn.url");
    }

    @Test
    void urlWithoutHostIsNoHost() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues("pg.conn.url=postgresql:///app?user=alice"));
        assertThat(analysis.getDescription()).contains("No PostgreSQL host");
    }

    @Test
    void pghostNamesTheServer() {
        this.runner.withPropertyValues("PGHOST=db.from.env", "PGPORT=6543", "pg.conn.startup-check=none")
                .run(context -> assertThat(context.getBean(PgConnectionFactory.class).config().hosts())
                        .containsExactly(HostSpec.of("db.from.env", 6543)));
    }

    @Test
    void urlHostIsEnough() {
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1:5433/app", "pg.conn.startup-check=none")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void connectionDetailsHostIsEnough() {
        this.runner.withPropertyValues("pg.conn.startup-check=none")
                .withBean(PgConnConnectionDetails.class, () -> new PgConnConnectionDetails() {
                    @Override
                    public List<HostSpec> getHosts() {
                        return List.of(HostSpec.of("from-details", 5432));
                    }

                    @Override
                    public String getDatabase() {
                        return null;
                    }

                    @Override
                    public String getUsername() {
                        return null;
                    }

                    @Override
                    public String getPassword() {
                        return null;
                    }
                })
                .run(context -> assertThat(context.getBean(PgConnectionFactory.class).config().hosts())
                        .containsExactly(HostSpec.of("from-details", 5432)));
    }

    @Test
    void malformedUrlFailsEvenWhenHostsReplaceItsHosts() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues(
                "pg.conn.url=postgresql://db1:notaport/app", "pg.conn.hosts=db2:5432"));
        assertThat(analysis.getDescription()).contains("Property: pg.conn.url");
    }

    @Test
    void malformedUrlNeverEchoesItsPassword() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues(
                "pg.conn.url=postgresql://alice:hunter2@db1:99999/app", "pg.conn.hosts=db2:5432"));
        assertThat(analysis.getDescription()).contains("pg.conn.url").doesNotContain("hunter2");
    }

    @Test
    void anUnescapedAtSignInTheUrlPasswordIsRefusedWithoutShowingThePassword() {
        Throwable failure = FailedStartup.failure(this.runner.withPropertyValues("pg.conn.url=postgresql://app:p@ssSECRET@localhost/app"));
        FailureAnalysis analysis = FailedStartup.analysis(failure);
        assertThat(analysis.getDescription()).contains("Property: pg.conn.url")
                .contains("a host name cannot contain '@'").contains("%40");
        assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("ssSECRET").doesNotContain("p@ss");
        FailedStartup.assertNoMessageContains(failure, "ssSECRET");
    }

    /** As libpq reads it: user info up to the '@', a '?' in the password is the password's. */
    @Test
    void aUrlPasswordHoldingAQuestionMarkIsThePasswords() {
        this.runner.withPropertyValues("pg.conn.url=postgresql://app:Pa55?ssSECRET@localhost/app").run(context -> {
            assertThat(context).hasNotFailed();
            ConnConfig config = context.getBean(PgConnectionFactory.class).config();
            assertThat(config.password()).isEqualTo("Pa55?ssSECRET");
            assertThat(config.hosts()).extracting(Object::toString).singleElement().asString().startsWith("localhost");
            assertThat(config.toString()).doesNotContain("SECRET");
        });
    }

    /**
     * A '?' followed by a key=value before the '@' starts the query (pgconn's reading, where libpq would take
     * the user info up to the '@'): the password's tail is then a malformed query parameter, which the report
     * must not quote.
     */
    @ParameterizedTest
    @ValueSource(strings = { "postgresql://app:Pa55?ss=SECRET&x@localhost/app", "postgresql://app:Pa55?a=1&ssSECRET@localhost/app" })
    void aUrlPasswordHoldingAQuestionMarkIsNotQuotedInTheReport(String url) {
        Throwable failure = FailedStartup.failure(this.runner.withPropertyValues("pg.conn.url=" + url));
        FailureAnalysis analysis = FailedStartup.analysis(failure);
        assertThat(analysis.getDescription()).contains("Property: pg.conn.url");
        assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("SECRET").doesNotContain("Pa55");
        FailedStartup.assertNoMessageContains(failure, "SECRET");
    }

    @Test
    void aHostHoldingAnAtSignIsRefusedWithoutQuotingIt() {
        Throwable failure = FailedStartup.failure(this.runner.withPropertyValues("pg.conn.hosts=db1:5432,ssSECRET@localhost:5432"));
        FailureAnalysis analysis = FailedStartup.analysis(failure);
        assertThat(analysis.getDescription()).contains("Property: pg.conn.hosts").contains("%40")
                .doesNotContain("ssSECRET");
        FailedStartup.assertNoMessageContains(failure, "ssSECRET");
    }

    @Test
    void noneMakesNoConnect() {
        this.runner.withPropertyValues("pg.conn.hosts=" + UNKNOWN_HOST, "pg.conn.startup-check=none")
                .withBean(RecordingTracer.class, RecordingTracer::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(RecordingTracer.class).events())
                            .noneMatch(PgTracer.ConnectStarted.class::isInstance);
                });
    }

    @Test
    void warnIsTheDefaultAndLogsHostAndReasonForAnUnknownHost(CapturedOutput output) {
        this.runner.withPropertyValues("pg.conn.hosts=" + UNKNOWN_HOST + ":5432", "pg.conn.password=hunter2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                            .contains("WARN").contains("pgconn start-up check: could not connect to " + UNKNOWN_HOST + ":5432"));
                });
        assertThat(output.getOut()).doesNotContain("hunter2");
    }

    @Test
    void warnLogsARefusedHost(CapturedOutput output) {
        int port = PgConnAutoConfigurationTest.refusedPort();
        this.runner.withPropertyValues("pg.conn.hosts=127.0.0.1:" + port, "pg.conn.startup-check=warn")
                .run(context -> await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getOut())
                        .contains("could not connect to 127.0.0.1:" + port).containsIgnoringCase("refused")));
    }

    @Test
    void failNamesHostAndReasonForAnUnknownHost() {
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues("pg.conn.hosts=" + UNKNOWN_HOST + ":5432",
                "pg.conn.startup-check=fail", "pg.conn.password=hunter2"));
        assertThat(analysis.getDescription()).contains("pg.conn.startup-check=fail").contains("Hosts: " + UNKNOWN_HOST + ":5432")
                .contains("Reason: ").doesNotContain("hunter2");
        assertThat(analysis.getAction()).contains("pg.conn.startup-check");
    }

    @Test
    void failListsEveryHostsReason() {
        int port1 = PgConnAutoConfigurationTest.refusedPort();
        int port2 = PgConnAutoConfigurationTest.refusedPort();
        FailureAnalysis analysis = FailedStartup.analysis(this.runner.withPropertyValues(
                "pg.conn.hosts=127.0.0.1:" + port1 + ",127.0.0.1:" + port2, "pg.conn.startup-check=fail"));
        assertThat(analysis.getDescription()).contains("127.0.0.1:" + port1 + ": ").contains("127.0.0.1:" + port2 + ": ");
    }
}
