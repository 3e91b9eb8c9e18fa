package io.pgconn.codec;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The type matrix on PostgreSQL 14 (numeric infinity is new in 14; interval infinity is not there yet). */
class TypeMatrix14IT extends AbstractTypeMatrixIT {

    @RegisterExtension
    static final PgClusterExtension PG = cluster(14);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
