package io.pgconn.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An initdb'ed data directory per PostgreSQL version, created once in the cache and copied for each new
 * server: a copy takes a fraction of initdb's time.
 */
final class Template {

    /** Bump when the initdb arguments change, so that old templates are not reused. */
    private static final String LAYOUT = "1";

    private Template() {
    }

    static Path of(PgBinaries binaries) {
        Path root = Workspace.cacheRoot();
        String name = "initdb-" + binaries.version() + "-v" + LAYOUT + (Os.isRoot() ? "-" + Os.SERVER_ACCOUNT : "");
        Path target = root.resolve(name);
        Path data = target.resolve("data");
        if (Files.isRegularFile(data.resolve("PG_VERSION"))) {
            return data;
        }
        PgBinaries.underLock(root.resolve(name + ".lock"), () -> {
            if (Files.isRegularFile(data.resolve("PG_VERSION"))) {
                return target;
            }
            Path tmp = PgBinaries.tmpSibling(root, name);
            Os.mkdirs(tmp, "rwxr-xr-x");
            Os.chownToServer(tmp);
            Os.Result r = Os.run(Os.asServerAccount(List.of(
                    binaries.bin("initdb").toString(),
                    "-D", tmp.resolve("data").toString(),
                    "-U", "postgres",
                    "-A", "trust",
                    "-E", "UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions")), Duration.ofMinutes(2));
            if (!r.ok()) {
                Os.deleteTree(tmp);
                throw new PgTestkitException("initdb failed for " + binaries + " (exit " + r.exitCode() + "):\n"
                        + r.output());
            }
            Os.deleteTree(target);
            PgBinaries.moveAtomically(tmp, target);
            return target;
        });
        return data;
    }
}
