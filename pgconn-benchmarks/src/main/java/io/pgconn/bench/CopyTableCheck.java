package io.pgconn.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The COPY scenarios' bookkeeping outside the timed part, on a pgjdbc connection of its own to the query server (the
 * same for every Java client, whichever client is measured): {@code TRUNCATE} of COPY_IN's table before each copy,
 * and the count of the rows it holds after it — the check that the client's COPY really loaded them all.
 */
final class CopyTableCheck implements AutoCloseable {

    private final Connection connection;

    CopyTableCheck(Endpoints endpoints) {
        Properties p = new Properties();
        p.setProperty("user", endpoints.trustUser());
        p.setProperty("sslmode", "disable");
        String url = "jdbc:postgresql://" + endpoints.host() + ":" + endpoints.queryPort() + "/" + endpoints.database();
        try {
            this.connection = new org.postgresql.Driver().connect(url, p);
        } catch (SQLException e) {
            throw new IllegalStateException("COPY check connection to " + url + " failed", e);
        }
    }

    /** Empties COPY_IN's table (committed before the copy starts). */
    void truncate() {
        try (Statement st = connection.createStatement()) {
            st.execute("TRUNCATE " + QueryWork.COPY_TABLE);
        } catch (SQLException e) {
            throw new IllegalStateException("TRUNCATE " + QueryWork.COPY_TABLE + " failed", e);
        }
    }

    /** The rows COPY_IN's table holds. */
    long count() {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + QueryWork.COPY_TABLE)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("count of " + QueryWork.COPY_TABLE + " failed", e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // best effort at exit
        }
    }
}
