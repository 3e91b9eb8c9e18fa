package io.pgconn.spring.boot.autoconfigure.r2dbc;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.annotation.Transactional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Saves accounts in one transaction; a negative balance fails the whole batch after the rows were written. */
public class AccountService {

    private final AccountRepository repository;
    private final DatabaseClient client;

    public AccountService(AccountRepository repository, DatabaseClient client) {
        this.repository = repository;
        this.client = client;
    }

    @Transactional
    public Mono<Void> openAll(Account... accounts) {
        return Flux.fromArray(accounts)
                .concatMap(repository::save)
                .concatMap(saved -> saved.balance() < 0
                        ? Mono.error(new IllegalArgumentException("negative balance for " + saved.owner()))
                        : Mono.just(saved))
                .then();
    }

    /**
     * Saves the account, then tries a statement that fails and goes on (the "try, ignore the failure"
     * pattern): PostgreSQL has failed the transaction, so its COMMIT rolls back — and must not look committed.
     */
    @Transactional
    public Mono<Void> openIgnoringAFailedStep(Account account) {
        return repository.save(account)
                .then(client.sql("SELECT 1 / 0").fetch().rowsUpdated().onErrorResume(e -> Mono.just(0L)))
                .then();
    }
}
