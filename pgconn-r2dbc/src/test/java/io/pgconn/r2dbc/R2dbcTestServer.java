package io.pgconn.r2dbc;

import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgServer;
import io.pgconn.testkit.PgUser;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;

/** The testkit server of the R2DBC tests: a SCRAM user who owns a database of its own. */
final class R2dbcTestServer {

    static final String USER = "r2dbc_app";
    static final String PASSWORD = "r2dbc-secret";
    static final String DATABASE = "r2dbc_app";

    private R2dbcTestServer() {
    }

    static PgClusterExtension.Builder builder(String name, int standbys) {
        return PgClusterExtension.builder()
                .name(name)
                .standbys(standbys)
                .user(PgUser.scram(USER, PASSWORD).allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256))
                .initSql("CREATE DATABASE " + DATABASE + " OWNER " + USER);
    }

    /** {@code r2dbc:pgconn://user:password@127.0.0.1:port/db?sslmode=disable&...}. */
    static String url(PgServer server, String query) {
        return "r2dbc:pgconn://" + USER + ":" + PASSWORD + "@127.0.0.1:" + server.port() + "/" + DATABASE
                + "?sslmode=disable&extensionTypes=" + (query.isEmpty() ? "" : "&" + query);
    }

    static ConnectionFactoryOptions options(PgServer server) {
        return ConnectionFactoryOptions.parse(url(server, ""));
    }

    /** pgjdbc, for the TCK's JdbcOperations and for reading what the driver wrote. */
    static DataSource dataSource(PgServer server) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {server.port()});
        dataSource.setDatabaseName(DATABASE);
        dataSource.setUser(USER);
        dataSource.setPassword(PASSWORD);
        dataSource.setSslMode("disable");
        return dataSource;
    }
}
