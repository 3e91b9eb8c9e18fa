package io.pgconn.bench;

import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.util.IdentityHashMap;
import java.util.Map;
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

    /** One PreparedStatement per connection and SQL, reused (pgjdbc server-prepares it from the 5th execution, prepareThreshold=5). */
    private final Map<Connection, Map<String, PreparedStatement>> prepared = new IdentityHashMap<>();

    private PreparedStatement prepared(Object connection, String sql) throws SQLException {
        Map<String, PreparedStatement> byConnection = prepared.computeIfAbsent((Connection) connection, c -> new java.util.HashMap<>());
        PreparedStatement ps = byConnection.get(sql);
        if (ps == null) {
            ps = ((Connection) connection).prepareStatement(QueryWork.jdbc(sql));
            byConnection.put(sql, ps);
        }
        return ps;
    }

    @Override
    public CompletableFuture<Void> selectByPk(Object connection, int id) {
        try {
            PreparedStatement ps = prepared(connection, PK_SQL);
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rs.getInt(1);
                rs.getString(2);
                rs.getBigDecimal(3);
                rs.getObject(4, java.time.OffsetDateTime.class);
            }
            return CompletableFuture.completedFuture(null);
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Integer> selectRows(Object connection) {
        try (ResultSet rs = prepared(connection, ROWS_SQL).executeQuery()) {
            int n = 0;
            while (rs.next()) {
                rs.getInt(1);
                rs.getLong(2);
                rs.getDouble(3);
                rs.getBigDecimal(4);
                rs.getString(5);
                rs.getString(6);
                rs.getBoolean(7);
                rs.getObject(8, java.time.OffsetDateTime.class);
                rs.getObject(9, java.time.LocalDate.class);
                rs.getObject(10, java.util.UUID.class);
                n++;
            }
            return CompletableFuture.completedFuture(n);
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** pgjdbc cannot pipeline single statements: the batch-free loop, one round trip each. */
    @Override
    public CompletableFuture<Void> insertPipelined(Object connection, int count, int inFlight) {
        try {
            PreparedStatement ps = prepared(connection, INSERT_SQL);
            for (int i = 0; i < count; i++) {
                ps.setInt(1, i);
                ps.setString(2, "value " + i);
                ps.executeUpdate();
            }
            return CompletableFuture.completedFuture(null);
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** pgjdbc streams with a fetch size only inside a transaction (autocommit off), as its docs say. */
    @Override
    public CompletableFuture<Integer> streamRows(Object connection, Runnable midway) {
        Connection c = (Connection) connection;
        try {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(STREAM_SQL)) {
                ps.setFetchSize(STREAM_DEMAND);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = 0;
                    while (rs.next()) {
                        rs.getInt(1);
                        rs.getString(2);
                        if (++n == STREAM_TOTAL / 2) {
                            midway.run();
                        }
                    }
                    return CompletableFuture.completedFuture(n);
                }
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public boolean copies(Scenario scenario) {
        return true;
    }

    /** {@code CopyManager.copyIn(sql, InputStream, 65536)} over the array: one CopyData per 64-KiB read. */
    @Override
    public CompletableFuture<Long> copyIn(Object connection, byte[] data) {
        try {
            org.postgresql.copy.CopyManager copy = ((Connection) connection).unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            return CompletableFuture.completedFuture(copy.copyIn(COPY_IN_SQL, new java.io.ByteArrayInputStream(data), COPY_CHUNK));
        } catch (SQLException | java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code CopyManager.copyOut(sql, OutputStream)} into a stream that counts its writes (one per row). */
    @Override
    public CompletableFuture<Long> copyOut(Object connection) {
        try {
            org.postgresql.copy.CopyManager copy = ((Connection) connection).unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            long[] rows = new long[1];
            copy.copyOut(COPY_OUT_SQL, new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    throw new UnsupportedOperationException("pgjdbc writes each row as an array");
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    if (len > 0) {
                        rows[0]++;
                    }
                }
            });
            return CompletableFuture.completedFuture(rows[0]);
        } catch (SQLException | java.io.IOException e) {
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
        prepared.remove(connection);
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
                + " hostRecheckSeconds=0 for first; blocking, so 8-in-flight uses 8 threads; COPY_IN: CopyManager.copyIn(sql,"
                + " ByteArrayInputStream, bufferSize 65536), COPY_OUT: CopyManager.copyOut(sql, OutputStream) (one write per row, counted)";
    }

    @Override
    public void close() {
    }
}
