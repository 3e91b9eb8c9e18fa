package io.pgconn.sample.embedded;

import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.PgConnConnectionDetails;
import java.util.List;

/** The embedded cluster's hosts (primary first), its user, generated password and database, and its CA. */
final class EmbeddedClusterConnectionDetails implements PgConnConnectionDetails {

    private final EmbeddedCluster cluster;

    EmbeddedClusterConnectionDetails(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public List<HostSpec> getHosts() {
        return cluster.hosts().stream().map(HostSpec::parse).toList();
    }

    @Override
    public String getDatabase() {
        return cluster.database();
    }

    @Override
    public String getUsername() {
        return cluster.user();
    }

    @Override
    public String getPassword() {
        return cluster.password();
    }

    @Override
    public Tls getTls() {
        return Tls.verifyFull(cluster.caCertificate());
    }

    @Override
    public String toString() {
        return "EmbeddedClusterConnectionDetails[hosts=" + cluster.hosts() + ", user=" + cluster.user()
                + ", database=" + cluster.database() + "]";
    }
}
