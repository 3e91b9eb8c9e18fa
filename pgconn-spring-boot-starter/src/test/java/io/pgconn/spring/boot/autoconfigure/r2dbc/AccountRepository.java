package io.pgconn.spring.boot.autoconfigure.r2dbc;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

public interface AccountRepository extends ReactiveCrudRepository<Account, Long> {

    Flux<Account> findByOwner(String owner);
}
