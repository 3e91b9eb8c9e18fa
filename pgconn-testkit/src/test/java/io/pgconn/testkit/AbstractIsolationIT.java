package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Two test classes, each with its own cluster, run one after the other in the same JVM: whichever runs
 * second checks that it got other ports and directories, and that the first one's servers and files are gone.
 */
abstract class AbstractIsolationIT {

    /** A server seen by one of the isolation classes. */
    record Seen(String owner, int port, Path directory, Path socketDirectory, long pid) {
    }

    static final List<Seen> SEEN = new ArrayList<>();

    abstract PgClusterExtension pg();

    @Test
    void doesNotCollideWithTheOtherClass() {
        String me = getClass().getSimpleName();
        List<PgServer> mine = pg().cluster().servers();
        assertThat(mine).hasSize(2);
        assertThat(mine.stream().map(PgServer::port).distinct()).hasSize(2);
        assertThat(mine.stream().map(PgServer::directory).distinct()).hasSize(2);
        assertThat(pg().cluster().directory()).exists();
        synchronized (SEEN) {
            for (Seen other : SEEN) {
                assertThat(other.owner()).isNotEqualTo(me);
                for (PgServer s : mine) {
                    assertThat(s.port()).as("port of %s vs %s", s, other).isNotEqualTo(other.port());
                    assertThat(s.directory()).isNotEqualTo(other.directory());
                    assertThat(s.socketDirectory()).isNotEqualTo(other.socketDirectory());
                }
                assertThat(other.directory()).as("directory left by %s", other.owner()).doesNotExist();
                assertThat(Os.isAlive(other.pid())).as("postmaster left by %s", other.owner()).isFalse();
            }
            for (PgServer s : mine) {
                SEEN.add(new Seen(me, s.port(), s.directory(), s.socketDirectory(), s.pid()));
            }
        }
        for (PgServer s : mine) {
            assertThat(s.queryValue("SELECT current_setting('port')")).isEqualTo(Integer.toString(s.port()));
        }
    }
}
