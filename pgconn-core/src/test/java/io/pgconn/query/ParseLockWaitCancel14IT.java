package io.pgconn.query;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AbstractParseLockWaitCancelIT} on PostgreSQL 14. */
class ParseLockWaitCancel14IT extends AbstractParseLockWaitCancelIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(14);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
