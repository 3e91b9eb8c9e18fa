package io.pgconn.examples;

import io.pgconn.PgConnection;
import io.pgconn.QueryResult;

/** The README's first example: connect with a libpq connection string, run a query, close. */
public final class ConnectExample {

    public static void main(String[] args) {
        String dsn = args.length > 0 ? args[0] : "postgresql://postgres@localhost:5432/postgres";
        PgConnection connection = PgConnection.connect(dsn).join();
        try {
            QueryResult result = connection.simpleQuery("SELECT version()").join();
            System.out.println("connected to " + connection.host() + " (" + connection.role().label() + ", "
                    + connection.tlsProtocol().orElse("no TLS") + ", " + connection.authMethod().requireAuthName() + ")");
            System.out.println(result.singleValue());
        } finally {
            connection.close().join();
        }
    }
}
