package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AbstractColumnJavaTypeIT} against PostgreSQL 18. */
class ColumnJavaType18IT extends AbstractColumnJavaTypeIT {

    @RegisterExtension
    static final PgClusterExtension PG = cluster(18);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
