package io.pgconn.lifecycle;

import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;

/** One TLS-enabled server with a user per authentication method and per connection type. */
final class LifecycleCluster {

    static final String PASSWORD = "Pa55-word!";

    private LifecycleCluster() {
    }

    static PgClusterExtension withMajorVersion(int major) {
        return PgClusterExtension.builder()
                .name("lifecycle" + major)
                .majorVersion(major)
                .tls()
                .user(PgUser.named("trust_u").allow(ConnectionType.HOST, AuthMethod.TRUST))
                .user(PgUser.scram("pw_u", PASSWORD).allow(ConnectionType.HOST, AuthMethod.PASSWORD))
                .user(PgUser.md5("md5_u", PASSWORD).allow(ConnectionType.HOST, AuthMethod.MD5))
                .user(PgUser.scram("scram_u", PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256)
                        .allow(ConnectionType.LOCAL, AuthMethod.SCRAM_SHA_256))
                .user(PgUser.scram("ssl_only", PASSWORD).allow(ConnectionType.HOSTSSL, AuthMethod.SCRAM_SHA_256))
                .user(PgUser.scram("nossl_only", PASSWORD).allow(ConnectionType.HOSTNOSSL, AuthMethod.SCRAM_SHA_256))
                .user(PgUser.scram("low_iter", PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .user(PgUser.named("cert_u").allow(ConnectionType.HOSTSSL, AuthMethod.CERT))
                .initSql("CREATE EXTENSION hstore")
                .build();
    }
}
