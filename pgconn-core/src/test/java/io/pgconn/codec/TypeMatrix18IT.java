package io.pgconn.codec;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The type matrix on PostgreSQL 18 (with interval infinity, new in 17). */
class TypeMatrix18IT extends AbstractTypeMatrixIT {

    @RegisterExtension
    static final PgClusterExtension PG = cluster(18);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
