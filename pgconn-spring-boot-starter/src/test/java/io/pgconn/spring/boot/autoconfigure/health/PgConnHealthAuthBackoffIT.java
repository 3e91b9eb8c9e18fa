package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.spring.boot.autoconfigure.PgConnAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pgconn.testing.Conditions.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health monitor's back-off after refused logins, against a real server with a wrong password:
 * the FATALs the server logs come ever further apart (each gap at least interval × 2^n, by the
 * server's own timestamps), so over the first 3 s it sees 5 failed logins instead of one per
 * interval (30 at 100 ms); health names the reason and the host, and neither health, nor the
 * application's log, holds the password (one with {@code @} and {@code %40} in it).
 */
@ExtendWith(OutputCaptureExtension.class)
class PgConnHealthAuthBackoffIT {

    private static final String WRONG_PASSWORD = "n0t-the@Pa55%40word";

    private static final Duration INTERVAL = Duration.ofMillis(100);

    /** log_line_prefix '%m [%p] %q%u@%d ': the server's millisecond timestamp, then the FATAL. */
    private static final Pattern FAILED_LOGIN = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\S+ \\[\\d+\\] .*FATAL:  password authentication failed for user \""
                    + StarterCluster.USER + "\"", Pattern.MULTILINE);

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.withStandbys("starter-auth-backoff", 0);

    @Test
    void refusedLoginsComeEverFurtherApartAndHealthNamesTheReasonWithoutThePassword(CapturedOutput output) {
        Path log = PG.primary().logFile();
        long offset = size(log);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class,
                        PgConnHealthContributorAutoConfiguration.class))
                .withPropertyValues("pg.conn.hosts=" + StarterCluster.label(PG.primary()), "pg.conn.ssl.mode=disable",
                        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER,
                        "pg.conn.password=" + WRONG_PASSWORD, "pg.conn.extension-types=", "pg.conn.startup-check=none",
                        "pg.conn.health.host-check-interval=" + INTERVAL.toMillis() + "ms")
                .run(context -> {
                    // the monitor alone logs in: no startup check, no pool, no application connect
                    awaitCondition("5 refused logins in the server's log", Duration.ofSeconds(30),
                            () -> failedLogins(log, offset).size() >= 5);
                    List<LocalDateTime> at = failedLogins(log, offset);
                    List<Long> gaps = new ArrayList<>();
                    for (int i = 1; i < 5; i++) {
                        gaps.add(Duration.between(at.get(i - 1), at.get(i)).toMillis());
                    }
                    System.out.println("ms between the server's first refused logins: " + gaps);
                    // the n-th refusal in a row waits interval × 2^n before the next login: 200, 400, 800, 1600 ms
                    for (int n = 1; n <= 4; n++) {
                        assertThat(gaps.get(n - 1)).as("ms between refused logins %d and %d (all gaps: %s)", n, n + 1, gaps)
                                .isGreaterThanOrEqualTo(INTERVAL.toMillis() * (1L << n) - 1); // log stamps are whole ms
                    }
                    assertThat(at.stream().filter(t -> t.isBefore(at.get(0).plusSeconds(3))).count())
                            .as("refused logins in the first 3 s (one per interval would be 30)").isLessThanOrEqualTo(5);

                    Health health = ((HealthIndicator) context.getBean("pgConnHealthContributor", HealthContributor.class))
                            .health(true);
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> host = (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("hosts"))
                            .get(StarterCluster.label(PG.primary()));
                    assertThat(host).containsEntry("status", "down")
                            .containsEntry("lastError", "authentication failed (" + StarterCluster.label(PG.primary()) + ")");
                    assertThat(health.toString()).doesNotContain(WRONG_PASSWORD).doesNotContain("n0t-the@Pa55")
                            .doesNotContain("Pa55@word");
                });
        assertThat(output.getAll()).contains("password authentication failed")
                .doesNotContain(WRONG_PASSWORD).doesNotContain("n0t-the@Pa55").doesNotContain("Pa55@word");
    }

    /** Server timestamps of the refused logins of {@link StarterCluster#USER} logged after {@code offset}. */
    private static List<LocalDateTime> failedLogins(Path log, long offset) {
        List<LocalDateTime> at = new ArrayList<>();
        Matcher m = FAILED_LOGIN.matcher(since(log, offset));
        while (m.find()) {
            at.add(LocalDateTime.parse(m.group(1), LOG_TIME));
        }
        return at;
    }

    private static long size(Path file) {
        return file.toFile().length();
    }

    private static String since(Path file, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length() - offset;
            if (length <= 0) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length, 1 << 20)];
            f.seek(offset);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
