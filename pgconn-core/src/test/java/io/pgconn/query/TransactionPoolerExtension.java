package io.pgconn.query;

import io.pgconn.testkit.LoopbackForwarder;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.time.Duration;

/**
 * A real PgBouncer in transaction mode in front of a cluster's primary for a test class ({@link TransactionPoolerProcess}):
 * register it after the cluster's extension, which JUnit then starts first and stops last.
 */
final class TransactionPoolerExtension implements BeforeAllCallback, AfterAllCallback {

    private final PgClusterExtension cluster;

    private final int serverSessions;

    /** Null: the pooler connects to the server directly. */
    private final Duration serverLatency;

    private LoopbackForwarder relay;

    private TransactionPoolerProcess pooler;

    /** A pooler with {@code serverSessions} server sessions to {@code cluster}'s primary, as {@link QueryCluster#USER}. */
    TransactionPoolerExtension(PgClusterExtension cluster, int serverSessions) {
        this(cluster, serverSessions, null);
    }

    /**
     * A pooler as above whose server sessions go through a {@link ReadyForQueryLatency} forwarder: what the server writes
     * after a ReadyForQuery reaches the pooler {@code serverLatency} later, as over a network.
     */
    TransactionPoolerExtension(PgClusterExtension cluster, int serverSessions, Duration serverLatency) {
        this.cluster = cluster;
        this.serverSessions = serverSessions;
        this.serverLatency = serverLatency;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        int serverPort = this.cluster.primary().port();
        if (this.serverLatency != null) {
            this.relay = ReadyForQueryLatency.forwarder(serverPort, this.serverLatency);
            serverPort = this.relay.port();
        }
        this.pooler = TransactionPoolerProcess.start(serverPort, QueryCluster.USER, this.serverSessions);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (this.pooler != null) {
            this.pooler.close();
            this.pooler = null;
        }
        if (this.relay != null) {
            this.relay.close();
            this.relay = null;
        }
    }

    /** What the pooler logged so far. */
    String log() throws IOException {
        return this.pooler.log();
    }

    /** The port the pooler listens on (127.0.0.1). */
    int port() {
        return this.pooler.port();
    }
}
