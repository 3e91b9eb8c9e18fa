package io.pgconn.internal.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session 10's leftover: on NIO a refused connect was told by the JDK's English text ("Connection refused"),
 * the C library's strerror, which the JVM takes in the locale of its environment — under de_DE it is
 * "Verbindungsaufbau abgelehnt", and a refusal read "could not connect ...: Verbindungsaufbau abgelehnt" (the
 * walk's reasons and the starter's health then no longer said refused). A JVM under de_DE.UTF-8 (the locale
 * compiled here with localedef, the translations from the system's libc-l10n) now says "connection refused".
 */
class TranslatedNioRefusalIT {

    @TempDir
    Path dir;

    @Test
    void aNioRefusalUnderAGermanLocaleIsARefusal() throws Exception {
        assertRefusalSaid(probeUnderAGermanLocale());
    }

    /**
     * REVIEW-12 L3: the refusal text was learnt once for the JVM's life, also when the first NIO factory was built on an
     * interrupted thread (the learning's connect then throws ClosedByInterruptException): the C locale's text was kept,
     * and under de_DE every later refusal read "could not connect" again. Now the next factory's build learns it.
     */
    @Test
    void aFirstFactoryBuiltOnAnInterruptedThreadLeavesTheTextToBeLearntByTheNext() throws Exception {
        List<String> lines = probeUnderAGermanLocale(TranslatedRefusalProbe.INTERRUPTED_FIRST_BUILD);
        assertThat(lines).as(lines.toString()).isNotEmpty();
        assertThat(lines.get(0)).isEqualTo("interrupt flag kept: true");
        assertRefusalSaid(lines.subList(1, lines.size()));
    }

    /** The probe's lines, run in a JVM under de_DE.UTF-8 (compiled here with localedef); stderr appended to the last. */
    private List<String> probeUnderAGermanLocale(String... args) throws Exception {
        Path locales = Files.createDirectory(dir.resolve("locales"));
        Process localedef = new ProcessBuilder("localedef", "-i", "de_DE", "-f", "UTF-8", locales.resolve("de_DE.UTF-8").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("localedef.log").toFile()).start();
        assertThat(localedef.waitFor(60, TimeUnit.SECONDS)).as("localedef ended").isTrue();
        assertThat(locales.resolve("de_DE.UTF-8")).as("the compiled locale; localedef said: %s",
                Files.readString(dir.resolve("localedef.log"))).isDirectory();

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TranslatedRefusalProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder probe = new ProcessBuilder(command).redirectError(dir.resolve("probe.err").toFile());
        probe.environment().put("LOCPATH", locales.toString());
        probe.environment().put("LC_ALL", "de_DE.UTF-8");
        probe.environment().remove("LANGUAGE");
        Process running = probe.start();
        List<String> lines = new ArrayList<>(new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        assertThat(running.waitFor(60, TimeUnit.SECONDS)).as("the probe ended").isTrue();
        lines.add("stderr: " + Files.readString(dir.resolve("probe.err")));
        return lines;
    }

    /** The JDK's own text for the refusal, then the walk's message (one line per host), then stderr. */
    private static void assertRefusalSaid(List<String> lines) {
        String said = lines.toString();
        assertThat(lines).as(said).hasSizeGreaterThan(2);
        assertThat(lines.get(0)).as("the JDK's own text for the refusal: the case under test").isEqualTo("Verbindungsaufbau abgelehnt");
        String reported = String.join("\n", lines.subList(1, lines.size() - 1));
        assertThat(reported).as(said).startsWith("io.pgconn.PgConnectException:").contains("connection refused to 127.0.0.1:")
                .doesNotContain("could not connect to 127.0.0.1").doesNotContain("abgelehnt");
    }
}
