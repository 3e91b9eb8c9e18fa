package io.pgconn.bench;

import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * pgjdbc (blocking): {@code Driver.connect} per connect, default settings otherwise. Its
 * multi-host memory ({@code GlobalHostStatusTracker}) is process-wide, so the "first" failover
 * case sets {@code hostRecheckSeconds=0} to make every remembered status stale.
 */
final class PgjdbcClient implements Client {

    private final Endpoints endpoints;
    private final Driver driver = new Driver();

    PgjdbcClient(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public String name() {
        return "pgjdbc";
    }

    @Override
    public boolean supports(Target target) {
        return true;
    }

    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public Source source(Target target, boolean fresh) {
        Endpoints e = endpoints;
        Properties p = new Properties();
        String url;
        if (target == Target.FAILOVER) {
            url = "jdbc:postgresql://" + e.host() + ":" + e.refusedPort() + "," + e.host() + ":" + e.standbyPort() + ","
                    + e.host() + ":" + e.primaryPort() + "/" + e.database();
            p.setProperty("targetServerType", "primary");
            if (fresh) {
                p.setProperty("hostRecheckSeconds", "0");
            }
        } else {
            url = "jdbc:postgresql://" + e.host() + ":" + e.primaryPort() + "/" + e.database();
        }
        switch (target) {
            case TRUST, FAILOVER -> {
                p.setProperty("user", e.trustUser());
                p.setProperty("sslmode", "disable");
            }
            case SCRAM -> scram(p, "disable");
            case SCRAM_REQUIRE -> scram(p, "require");
            case SCRAM_VERIFY_FULL -> {
                scram(p, "verify-full");
                p.setProperty("sslrootcert", e.caFile());
            }
        }
        return () -> {
            try {
                Connection c = driver.connect(url, p);
                return CompletableFuture.completedFuture(c);
            } catch (SQLException ex) {
                return CompletableFuture.failedFuture(ex);
            }
        };
    }

    private void scram(Properties p, String sslmode) {
        p.setProperty("user", endpoints.scramUser());
        p.setProperty("password", endpoints.scramPassword());
        p.setProperty("sslmode", sslmode);
    }

    @Override
    public CompletableFuture<Void> selectOne(Object connection) {
        try (Statement st = ((Connection) connection).createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            rs.getInt(1);
            return CompletableFuture.completedFuture(null);
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Integer> backendPid(Object connection) {
        try {
            return CompletableFuture.completedFuture(((Connection) connection).unwrap(org.postgresql.PGConnection.class).getBackendPID());
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> close(Object connection) {
        try {
            ((Connection) connection).close();
            return CompletableFuture.completedFuture(null);
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String settings() {
        return "pgjdbc " + driver.getMajorVersion() + "." + driver.getMinorVersion() + " (" + Driver.class.getPackage().getImplementationVersion()
                + "): Driver.connect per connect, defaults (preferQueryMode=extended, LibPQFactory TLS, channelBinding default);"
                + " failover targetServerType=primary, GlobalHostStatusTracker on for repeat (hostRecheckSeconds=10 default),"
                + " hostRecheckSeconds=0 for first; blocking, so 8-in-flight uses 8 threads";
    }

    @Override
    public void close() {
    }
}
