package io.pgconn.codec;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Enum arrays on PostgreSQL 18 ({@link AbstractEnumArraysIT}). */
class EnumArrays18IT extends AbstractEnumArraysIT {

    @RegisterExtension
    static final PgClusterExtension PG = cluster(18);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
