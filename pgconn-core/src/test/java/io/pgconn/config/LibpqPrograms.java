package io.pgconn.config;

import io.pgconn.testkit.PgBinaries;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The small C programs of {@code src/test/c} that ask the real libpq (the testkit's libpq 18) for its verdict, for
 * the differential tests ({@link ConnectionStringDifferentialIT}, {@link ServiceFileDifferentialIT}): compiled with
 * gcc against {@code libpq-fe.h}, fed hex-encoded lines on stdin, answering one line per input line after a first
 * {@code LIBPQ <TAB> PQlibVersion()} line.
 *
 * <p>Without gcc or {@code libpq-fe.h} a test is skipped, except under {@code CI=true} (.ci/run installs both).
 */
final class LibpqPrograms {

    private static final List<Path> HEADER_DIRS = List.of(Path.of("/usr/include/postgresql"), Path.of("/usr/include"),
            Path.of("/usr/local/include"), Path.of("/usr/local/pgsql/include"), Path.of("/opt/homebrew/include/postgresql"));

    private LibpqPrograms() {
    }

    /** {@code src/test/c/<name>.c} compiled into {@code dir} and linked to the testkit's libpq. */
    static Path compile(String name, Path dir) throws Exception {
        Path source = Path.of(System.getProperty("basedir", "."), "src/test/c/" + name + ".c");
        Path gcc = onPath("gcc");
        Path headers = HEADER_DIRS.stream().filter(d -> Files.isRegularFile(d.resolve("libpq-fe.h"))).findFirst().orElse(null);
        if (gcc == null || headers == null) {
            String why = (gcc == null ? "gcc is not on the PATH" : "libpq-fe.h is not in " + HEADER_DIRS)
                    + ": cannot compile src/test/c/" + name + ".c to compare pgconn with libpq"
                    + " (Debian/Ubuntu: apt-get install gcc libpq-dev)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " — CI=true, where .ci/run installs both");
            }
            abort(why);
        }
        Path lib = PgBinaries.forMajor(PgBinaries.DEFAULT_MAJOR).home().resolve("lib");
        Path exe = dir.resolve(name);
        Process gccRun = new ProcessBuilder(gcc.toString(), "-O1", "-Wall", "-Werror", "-o", exe.toString(), source.toAbsolutePath().toString(),
                "-I" + headers, "-L" + lib, "-Wl,-rpath," + lib, "-lpq").redirectErrorStream(true).start();
        String output = new String(gccRun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gccRun.waitFor(60, TimeUnit.SECONDS)).as("gcc finished").isTrue();
        assertThat(gccRun.exitValue()).as("gcc: %s", output).isZero();
        return exe;
    }

    /**
     * Runs {@code exe} on {@code lines} (already hex-encoded, one case each) and returns its answers, one per line,
     * after checking that its libpq is 18 or later.
     */
    static List<String> ask(Path exe, List<String> lines) throws Exception {
        Process p = new ProcessBuilder(exe.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = p.getOutputStream()) {
                for (String line : lines) {
                    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<String> answers = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                answers.add(line);
            }
        }
        writer.get(60, TimeUnit.SECONDS);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s's exit status", exe.getFileName()).isZero();
        assertThat(answers).hasSize(lines.size() + 1);
        int version = Integer.parseInt(answers.get(0).split("\t")[1]);
        assertThat(version).as("PQlibVersion() of the testkit's libpq").isGreaterThanOrEqualTo(180000);
        return answers.subList(1, answers.size());
    }

    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }

    static byte[] unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return out;
    }

    private static Path onPath(String tool) {
        for (String d : String.valueOf(System.getenv("PATH")).split(java.io.File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
