package io.pgconn.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

class IsolationFirstIT extends AbstractIsolationIT {

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder().name("isolation-first").standbys(1).build();

    @Override
    PgClusterExtension pg() {
        return PG;
    }
}
