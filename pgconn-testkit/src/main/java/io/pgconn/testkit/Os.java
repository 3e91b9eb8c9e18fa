package io.pgconn.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Operating-system helpers: who runs the server, processes, files. Linux only. */
final class Os {

    /** The unprivileged account that runs {@code initdb} and {@code postgres} when the JVM is root. */
    static final String SERVER_ACCOUNT = System.getProperty("pgconn.testkit.serverAccount", "nobody");

    private static final boolean ROOT = detectRoot();

    private Os() {
    }

    private static boolean detectRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** @return whether this JVM runs as root (servers then run as {@link #SERVER_ACCOUNT}) */
    static boolean isRoot() {
        return ROOT;
    }

    /** @return the command, prefixed so that it runs as the server account when this JVM is root */
    static List<String> asServerAccount(List<String> command) {
        if (!ROOT) {
            return command;
        }
        List<String> full = new ArrayList<>(List.of("runuser", "-u", SERVER_ACCOUNT, "--"));
        full.addAll(command);
        return full;
    }

    /** Gives {@code path} (recursively) to the server account; a no-op when not root. */
    static void chownToServer(Path path) {
        if (!ROOT) {
            return;
        }
        try {
            UserPrincipal owner = path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(SERVER_ACCOUNT);
            try (Stream<Path> all = Files.walk(path)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Files.setOwner(p, owner);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + path + " to " + SERVER_ACCOUNT, e);
        }
    }

    /** Gives one file or directory (not its content) to the server account; a no-op when not root. */
    static void chownOneToServer(Path path) {
        if (!ROOT) {
            return;
        }
        try {
            Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(SERVER_ACCOUNT));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + path + " to " + SERVER_ACCOUNT, e);
        }
    }

    /** Creates the directories with the given permissions (e.g. "rwxr-xr-x") on the last one. */
    static Path mkdirs(Path dir, String perms) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(perms));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static void write(Path file, String content, String perms) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void write(Path file, byte[] content, String perms) {
        try {
            Files.write(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Deletes a directory tree; missing files are fine. */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Result of a finished command: exit code and merged stdout/stderr. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs a command to completion. Output goes through a temporary file, never a pipe: a daemon child
     * (the postmaster started by pg_ctl) that inherits the descriptors must not keep us waiting.
     */
    static Result run(List<String> command, Duration timeout, InputStream stdin) {
        Path out = null;
        try {
            out = Files.createTempFile("pgconn-testkit-cmd", ".out");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            pb.environment().put("LC_ALL", "C");
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream os = p.getOutputStream()) {
                    stdin.transferTo(os);
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command) + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PgTestkitException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgTestkitException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // temp file, best effort
                }
            }
        }
    }

    static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, null);
    }

    /**
     * @return whether the process exists and is not a zombie
     */
    static boolean isAlive(long pid) {
        if (pid <= 0) {
            return false;
        }
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String s = Files.readString(stat, StandardCharsets.UTF_8);
            int close = s.lastIndexOf(')');
            char state = close > 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /**
     * The live PostgreSQL server processes (a command line naming {@code postgres}) whose working directory is
     * {@code dataDirectory}: a postmaster and its children run there.
     */
    static List<Long> serverProcessesIn(Path dataDirectory) {
        Path data;
        try {
            data = dataDirectory.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        List<Long> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).forEach(n -> {
                long pid = Long.parseLong(n);
                try {
                    if (Files.readSymbolicLink(Path.of("/proc", n, "cwd")).equals(data) && commandLine(pid).contains("postgres")
                            && isAlive(pid)) {
                        found.add(pid);
                    }
                } catch (IOException | SecurityException e) {
                    // gone meanwhile, or not ours to read: not a process of this server
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** @return the process command line (NUL separators turned into spaces), or "" when it is gone */
    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Sends a signal by name (e.g. "QUIT", "KILL") with kill(1). */
    static void signal(long pid, String signal) {
        run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(10));
    }

    /** Polls until the process is gone. @return whether it is gone */
    static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isAlive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause(20);
        }
        return true;
    }

    /** A short pause between two polls of a condition. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgTestkitException("interrupted", e);
        }
    }

    /** @return the last {@code lines} lines of a text file, or a note that it is missing */
    static String tail(Path file, int lines) {
        try {
            List<String> all = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }
}
