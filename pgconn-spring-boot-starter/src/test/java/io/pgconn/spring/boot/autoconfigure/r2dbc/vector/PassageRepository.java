package io.pgconn.spring.boot.autoconfigure.r2dbc.vector;

import io.pgconn.codec.PgVector;
import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

public interface PassageRepository extends ReactiveCrudRepository<Passage, Long> {

    @Query("SELECT * FROM passage WHERE embedding IS NOT NULL ORDER BY embedding <-> :query LIMIT :limit")
    Flux<Passage> nearest(PgVector query, int limit);

    Flux<Passage> findByEmbedding(PgVector embedding);
}
