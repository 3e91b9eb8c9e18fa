package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** No server survives its JVM: the shutdown hook on exit, the sweep after a kill -9. */
class NoSurvivorIT {

    /** What the child printed: postmaster pid, server directory, run directory. */
    record Orphan(Process process, long pid, Path directory, Path runDirectory) {
    }

    private static Orphan launch(String mode, Path output) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m"));
        for (String p : List.of("pgconn.testkit.dir", "pgconn.testkit.runDir", "pgconn.testkit.binaries", "java.io.tmpdir")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add(OrphanMain.class.getName());
        cmd.add(mode);
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String out = Files.readString(output, StandardCharsets.UTF_8);
            for (String line : out.split("\n")) {
                if (line.startsWith("READY ")) {
                    String[] f = line.trim().split(" ");
                    return new Orphan(child, Long.parseLong(f[1]), Path.of(f[2]), Path.of(f[3]));
                }
            }
            if (!child.isAlive() || System.nanoTime() > deadline) {
                child.destroyForcibly();
                throw new AssertionError("child JVM did not report READY:\n" + out);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void theShutdownHookStopsServersWhenTheJvmExits() throws Exception {
        Path out = Files.createTempFile("orphan-exit", ".out");
        try {
            Orphan o = launch("exit", out);
            assertThat(o.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(o.process().exitValue()).isZero();
            assertThat(Os.isAlive(o.pid())).as("postmaster %d after the JVM exited", o.pid()).isFalse();
            assertThat(o.directory()).doesNotExist();
            assertThat(o.runDirectory()).doesNotExist();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void serversOfAKilledJvmAreSweptByTheNextOne() throws Exception {
        Path out = Files.createTempFile("orphan-kill", ".out");
        Orphan o = null;
        try {
            o = launch("hang", out);
            o.process().destroyForcibly();
            assertThat(o.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Os.isAlive(o.pid())).as("the orphan postmaster outlives a kill -9 of its JVM").isTrue();
            assertThat(o.runDirectory()).exists();

            Workspace.sweepAll();

            assertThat(Os.isAlive(o.pid())).as("postmaster %d after the sweep", o.pid()).isFalse();
            assertThat(o.runDirectory()).doesNotExist();
        } finally {
            if (o != null && Os.isAlive(o.pid())) {
                Os.signal(o.pid(), "KILL");
            }
            Files.deleteIfExists(out);
        }
    }

    @Test
    void theSweepLeavesLiveJvmsAlone() {
        Path mine = Workspace.runDir();
        Workspace.sweepAll();
        assertThat(mine).exists();
    }
}
