package io.pgconn.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the testkit keeps its files, and the guarantees that no server outlives its JVM.
 * <ul>
 *   <li>cache root {@code ${java.io.tmpdir}/pgconn-testkit-<user>} (or {@code -Dpgconn.testkit.dir}): extracted
 *       binaries and initdb templates, shared by JVMs;</li>
 *   <li>one run directory per JVM ({@code run-<pid>-<random>}, with an {@code owner} file naming the JVM pid
 *       and start time) holding every server of that JVM: under {@code -Dpgconn.testkit.runDir} if set, else
 *       under {@code /dev/shm/pgconn-testkit-<user>} when that memory file system has room (copying a data
 *       directory there is ten times faster than to a disk), else under the cache root;</li>
 *   <li>a shutdown hook that stops (immediate) every server still running and deletes the run directory;</li>
 *   <li>on first use, a sweep of run directories whose JVM is dead: their postmasters are killed, the
 *       directories deleted.</li>
 * </ul>
 */
final class Workspace {

    private static final Pattern RUN_DIR = Pattern.compile("run-(\\d+)-.*");
    private static final Pattern TMP_DIR = Pattern.compile(".*\\.tmp-(\\d+)-.*");
    private static final Set<PgServer> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static Path runDir;

    private Workspace() {
    }

    private static final long MIN_MEMORY_FS_BYTES = 2L << 30;

    private static String perUser() {
        return "pgconn-testkit-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** @return the per-user cache root, created with 0755 so that the server account can read it */
    static Path cacheRoot() {
        String configured = System.getProperty("pgconn.testkit.dir");
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), perUser());
        return ensureDirectory(root);
    }

    /** @return where run directories go (see the class comment) */
    static Path runBase() {
        String configured = System.getProperty("pgconn.testkit.runDir");
        if (configured != null && !configured.isBlank()) {
            return ensureDirectory(Path.of(configured));
        }
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm)
                    && Files.getFileStore(shm).getUsableSpace() >= MIN_MEMORY_FS_BYTES) {
                return ensureDirectory(shm.resolve(perUser()));
            }
        } catch (IOException | RuntimeException e) {
            // fall back to the cache root
        }
        return cacheRoot();
    }

    private static Path ensureDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            Os.mkdirs(dir, "rwxr-xr-x");
        }
        return dir;
    }

    /** Sweeps the cache root and the run base (see {@link #sweep(Path)}). */
    static void sweepAll() {
        Path cache = cacheRoot();
        sweep(cache);
        Path base = runBase();
        if (!base.equals(cache)) {
            sweep(base);
        }
    }

    /** @return this JVM's run directory, created (after a sweep of stale ones) on first call */
    static synchronized Path runDir() {
        if (runDir == null) {
            sweepAll();
            Path root = runBase();
            long pid = ProcessHandle.current().pid();
            Path dir = root.resolve("run-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8));
            Os.mkdirs(dir, "rwxr-xr-x");
            Os.write(dir.resolve("owner"), pid + " " + startMillis(ProcessHandle.current()).orElse(0L) + "\n",
                    "rw-r--r--");
            Runtime.getRuntime().addShutdownHook(new Thread(Workspace::shutdown, "pgconn-testkit-shutdown"));
            runDir = dir;
        }
        return runDir;
    }

    /** @return a fresh, uniquely named directory inside the run directory */
    static Path newDirectory(String prefix) {
        // short names: the Unix socket path below it must stay under 107 bytes
        String clean = prefix.replaceAll("[^A-Za-z0-9_.-]", "_");
        String name = clean.substring(0, Math.min(clean.length(), 20)) + "-" + COUNTER.incrementAndGet();
        return Os.mkdirs(runDir().resolve(name), "rwxr-xr-x");
    }

    static void register(PgServer server) {
        LIVE.add(server);
    }

    static void unregister(PgServer server) {
        LIVE.remove(server);
    }

    private static void shutdown() {
        for (PgServer server : new ArrayList<>(LIVE)) {
            try {
                server.killForShutdown();
            } catch (RuntimeException e) {
                System.err.println("pgconn-testkit: could not stop " + server + ": " + e);
            }
        }
        try {
            Os.deleteTree(runDir);
        } catch (RuntimeException e) {
            System.err.println("pgconn-testkit: could not delete " + runDir + ": " + e);
        }
    }

    private static Optional<Long> startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli);
    }

    /** @return whether the JVM described by an owner file ("pid startMillis") is still running */
    private static boolean ownerAlive(Path runDirectory, long pidFromName) {
        long pid = pidFromName;
        long start = 0;
        try {
            String[] parts = Files.readString(runDirectory.resolve("owner"), StandardCharsets.UTF_8).trim().split("\\s+");
            pid = Long.parseLong(parts[0]);
            start = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
        } catch (IOException | RuntimeException e) {
            // no owner file yet: a JVM that is creating it, unless the directory is old
            try {
                FileTime modified = Files.getLastModifiedTime(runDirectory);
                if (modified.toInstant().isAfter(Instant.now().minusSeconds(60))) {
                    return true;
                }
            } catch (IOException gone) {
                return true;
            }
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !Os.isAlive(pid)) {
            return false;
        }
        if (start == 0) {
            return true;
        }
        Optional<Long> actual = startMillis(handle.get());
        return actual.isEmpty() || Math.abs(actual.get() - start) < 2000;
    }

    /**
     * Removes what dead JVMs left behind under {@code root}: their postmasters are stopped (SIGQUIT, then
     * SIGKILL), their run directories and half-done extraction directories deleted.
     */
    static void sweep(Path root) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Matcher run = RUN_DIR.matcher(name);
                Matcher tmp = TMP_DIR.matcher(name);
                if (run.matches() && Files.isDirectory(entry) && !ownerAlive(entry, Long.parseLong(run.group(1)))) {
                    killPostmasters(entry);
                    deleteQuietly(entry);
                } else if (tmp.matches() && !Os.isAlive(Long.parseLong(tmp.group(1)))) {
                    deleteQuietly(entry);
                }
            }
        } catch (IOException e) {
            System.err.println("pgconn-testkit: could not sweep " + root + ": " + e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Os.deleteTree(dir);
        } catch (RuntimeException e) {
            System.err.println("pgconn-testkit: could not delete stale " + dir + ": " + e);
        }
    }

    /** Stops every postmaster whose postmaster.pid lies under {@code dir}. */
    static void killPostmasters(Path dir) {
        List<Path> pidFiles;
        try (Stream<Path> files = Files.find(dir, 4, (p, a) -> p.getFileName().toString().equals("postmaster.pid"))) {
            pidFiles = files.toList();
        } catch (IOException e) {
            return;
        }
        for (Path pidFile : pidFiles) {
            killPostmasterOf(pidFile.getParent());
        }
    }

    /**
     * Stops the postmaster {@code dataDirectory}'s postmaster.pid names, if it is alive and is that directory's:
     * SIGQUIT (immediate shutdown), then SIGKILL when it is still there after 10 s.
     */
    static void killPostmasterOf(Path dataDirectory) {
        long pid = postmasterPid(dataDirectory.resolve("postmaster.pid"));
        if (isPostmasterOf(pid, dataDirectory)) {
            Os.signal(pid, "QUIT");
            if (!Os.awaitExit(pid, Duration.ofSeconds(10))) {
                Os.signal(pid, "KILL");
                Os.awaitExit(pid, Duration.ofSeconds(5));
            }
        }
    }

    /** @return whether {@code pid} is alive and is the postmaster of {@code dataDirectory} (not a reused pid) */
    static boolean isPostmasterOf(long pid, Path dataDirectory) {
        return pid > 0 && Os.isAlive(pid) && Os.commandLine(pid).contains(dataDirectory.toString());
    }

    /** @return the pid in the first line of a postmaster.pid file, or -1 */
    static long postmasterPid(Path pidFile) {
        try {
            String first = Files.readString(pidFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            return Long.parseLong(first);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
