package io.pgconn.codec;

import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Enum arrays on PostgreSQL 14 ({@link AbstractEnumArraysIT}). */
class EnumArrays14IT extends AbstractEnumArraysIT {

    @RegisterExtension
    static final PgClusterExtension PG = cluster(14);

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
