package io.pgconn.examples;

import io.pgconn.PgConnection;
import io.pgconn.query.IsolationLevel;
import io.pgconn.query.Row;
import io.pgconn.query.RowSet;
import io.pgconn.query.TransactionOptions;

import java.math.BigDecimal;

/** The README's query example: parameters, a transaction, a batch. */
public final class QueryExample {

    public static void main(String[] args) {
        String dsn = args.length > 0 ? args[0] : "postgresql://postgres@localhost:5432/postgres";
        PgConnection connection = PgConnection.connect(dsn).join();
        try {
            connection.query("CREATE TABLE IF NOT EXISTS accounts (id int PRIMARY KEY, owner text, balance numeric)").join();

            // a batch: one statement, one parameter set per row, one round trip
            connection.statement("INSERT INTO accounts VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                    .bind(0, 1).bind(1, "alice").bind(2, new BigDecimal("100.00")).add()
                    .bind(0, 2).bind(1, "bob").bind(2, new BigDecimal("50.00"))
                    .collect().join();

            // a transfer in a transaction: $1, $2 ... are bound to the parameters, never spliced into the SQL
            BigDecimal amount = new BigDecimal("30.00");
            connection.begin(TransactionOptions.isolation(IsolationLevel.SERIALIZABLE))
                    .thenCompose(ignored -> connection.query("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, 1))
                    .thenCompose(ignored -> connection.query("UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, 2))
                    .thenCompose(ignored -> connection.commit())
                    .exceptionallyCompose(error -> connection.rollback().thenCompose(ignored -> java.util.concurrent.CompletableFuture.failedFuture(error)))
                    .join();

            RowSet rows = connection.query("SELECT owner, balance FROM accounts WHERE balance >= $1 ORDER BY id", BigDecimal.ZERO).join();
            for (Row row : rows) {
                System.out.println(row.get("owner", String.class) + ": " + row.get("balance", BigDecimal.class));
            }
        } finally {
            connection.close().join();
        }
    }
}
