package io.pgconn.bench;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/** The Spring Data repository of the Spring Data scenarios (built by R2dbcRepositoryFactory, no Boot). */
public interface BenchEntityRepository extends ReactiveCrudRepository<BenchEntity, Long> {
}
