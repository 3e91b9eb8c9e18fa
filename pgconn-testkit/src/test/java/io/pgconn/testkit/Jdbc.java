package io.pgconn.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** pgjdbc, the oracle client of the testkit's own tests. */
final class Jdbc {

    private Jdbc() {
    }

    static Properties props(String user, String password, String... keyValues) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("sslmode", "disable");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    static Connection connect(PgServer server, Properties props) throws SQLException {
        return connect(server.host(), server, props);
    }

    static Connection connect(String host, PgServer server, Properties props) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + server.port() + "/postgres", props);
    }

    static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String value(PgServer server, Properties props, String sql) throws SQLException {
        try (Connection c = connect(server, props)) {
            return value(c, sql);
        }
    }

    static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
