package io.pgconn.r2dbc;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AbstractColumnJavaTypeIT} against PostgreSQL 14. */
class ColumnJavaType14IT extends AbstractColumnJavaTypeIT {

    @RegisterExtension
    static final PgClusterExtension PG = cluster(14);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
