package io.pgconn.query;

import io.pgconn.PgConnection;
import io.pgconn.testing.Connect;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;

import static io.pgconn.testing.Connect.await;

/** One plaintext server for the query path's ITs, and connections to it. */
final class QueryCluster {

    static final String USER = "query_u";

    private QueryCluster() {
    }

    static PgClusterExtension withMajorVersion(int major) {
        return builder(major).build();
    }

    /** {@link #withMajorVersion}'s server, for a test that adds its own initSql. */
    static PgClusterExtension.Builder builder(int major) {
        return PgClusterExtension.builder()
                .name("query" + major)
                .majorVersion(major)
                .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
                .initSql("GRANT CREATE ON SCHEMA public TO " + USER);
    }

    static PgConnection connect(PgClusterExtension pg, FactoryExtension factory, String extra) {
        return await(factory.factory().connect(Connect.config(pg.primary(), USER, null,
                "sslmode=disable extensionTypes='' " + extra)));
    }
}
