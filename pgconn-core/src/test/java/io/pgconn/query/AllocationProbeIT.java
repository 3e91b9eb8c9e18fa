package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes allocated (all threads: the event loop decodes, the caller reads) per row of a 1,000-row ×
 * 10-column mixed-type select read with {@code query} and every column decoded. Printed for the
 * record; the assertion only bounds it loosely (a regression to a buffer per value shows).
 */
class AllocationProbeIT {

    private static final String SQL = "SELECT g AS id, g::int8 * 1000 AS big, 'name-' || g AS name, g % 2 = 0 AS even,"
            + " g::float8 / 3 AS ratio, (g * 1.5)::numeric(12,2) AS amount, now() AS at, current_date AS day,"
            + " md5(g::text) AS hash, NULL::text AS nothing FROM generate_series(1, 1000) g WHERE g > $1";

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    @Test
    void bytesAllocatedPerRow() {
        PgConnection c = QueryCluster.connect(PG, FACTORY, "");
        try {
            java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 200; i++) {
                readAll(c); // warm-up: JIT, statement cache, decoders
            }
            int rounds = 200;
            long before = allocated(threads);
            long checksum = 0;
            for (int i = 0; i < rounds; i++) {
                checksum += readAll(c);
            }
            long perRow = (allocated(threads) - before) / (rounds * 1000L);
            System.out.printf("[allocation] %d bytes per row (1,000 rows x 10 columns, every column decoded; checksum %d)%n", perRow, checksum);
            assertThat(perRow).isLessThan(4_000);
        } finally {
            await(c.close());
        }
    }

    private static long readAll(PgConnection c) {
        RowSet rows = await(c.query(SQL, 0));
        long sum = 0;
        for (Row row : rows) {
            for (int i = 0; i < row.size(); i++) {
                Object value = row.get(i);
                sum += value == null ? 0 : 1;
            }
        }
        return sum;
    }

    /** com.sun.management.ThreadMXBean#getThreadAllocatedBytes, reflectively: the tests run patched into a module that does not read jdk.management. */
    private static long allocated(java.lang.management.ThreadMXBean threads) {
        try {
            java.lang.reflect.Method bytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long[].class);
            long[] perThread = (long[]) bytes.invoke(threads, (Object) threads.getAllThreadIds());
            return Arrays.stream(perThread).filter(b -> b > 0).sum();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("this JVM does not count allocated bytes per thread", e);
        }
    }
}
