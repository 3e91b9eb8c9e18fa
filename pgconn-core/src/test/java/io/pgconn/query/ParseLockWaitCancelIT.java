package io.pgconn.query;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AbstractParseLockWaitCancelIT} on PostgreSQL 18. */
class ParseLockWaitCancelIT extends AbstractParseLockWaitCancelIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
