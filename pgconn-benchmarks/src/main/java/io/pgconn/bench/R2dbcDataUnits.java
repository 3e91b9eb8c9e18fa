package io.pgconn.bench;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;

/**
 * The Spring Data scenarios' units of work on R2DBC, the same whoever built the Spring objects ({@link SpringDataClient}
 * by hand, {@link BootDataClient} from a booted context): a repository find and save, and {@link Scenario#DATA_TX}'s
 * transaction of three {@link DatabaseClient} statements under a {@link TransactionalOperator}.
 */
record R2dbcDataUnits(BenchEntityRepository repository, DatabaseClient databaseClient, TransactionalOperator transactions)
        implements SpringDataWork, TransactionalWork {

    @Override
    public CompletableFuture<BenchEntity> findById(long id) {
        return repository.findById(id)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no " + TABLE + " row with id " + id)))
                .toFuture();
    }

    @Override
    public CompletableFuture<BenchEntity> save(BenchEntity entity) {
        return repository.save(entity).toFuture();
    }

    @Override
    public CompletableFuture<BigDecimal> selectUpdateSelect(long id) {
        Mono<BigDecimal> unit = databaseClient.sql(SELECT_ROW).bind("id", id)
                .map((row, meta) -> new BenchEntity(row.get("id", Long.class), row.get("name", String.class),
                        row.get("amount", BigDecimal.class), row.get("created", OffsetDateTime.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no " + TABLE + " row with id " + id)))
                .flatMap(entity -> {
                    BigDecimal written = entity.getAmount().add(CENT);
                    return databaseClient.sql(UPDATE_AMOUNT).bind("amount", written).bind("id", id).fetch().rowsUpdated()
                            .then(databaseClient.sql(SELECT_AMOUNT).bind("id", id)
                                    .map((row, meta) -> row.get("amount", BigDecimal.class)).one())
                            .map(read -> TransactionalWork.readBack(id, written, read));
                });
        return transactions.transactional(unit).toFuture();
    }
}
