package io.pgconn.sample.notes;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

/** Spring Data R2DBC over the starter's pooled pgconn {@code ConnectionFactory}: nothing pgconn-specific here. */
public interface NoteRepository extends ReactiveCrudRepository<Note, Long> {

    Flux<Note> findTop10ByOrderByIdDesc();
}
