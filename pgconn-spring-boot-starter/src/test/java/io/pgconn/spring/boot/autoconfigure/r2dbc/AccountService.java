package io.pgconn.spring.boot.autoconfigure.r2dbc;

import org.springframework.transaction.annotation.Transactional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Saves accounts in one transaction; a negative balance fails the whole batch after the rows were written. */
public class AccountService {

    private final AccountRepository repository;

    public AccountService(AccountRepository repository) {
        this.repository = repository;
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
}
