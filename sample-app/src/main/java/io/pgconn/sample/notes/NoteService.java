package io.pgconn.sample.notes;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Writes a note and reads it back, in one transaction (so on one pooled connection), through the repository. */
@Service
public class NoteService {

    /** The longest note accepted, in characters. */
    static final int MAX_TEXT = 200;

    private final NoteRepository repository;

    private final ServerLabels labels;

    NoteService(NoteRepository repository, ServerLabels labels) {
        this.repository = repository;
        this.labels = labels;
    }

    /** Inserts {@code text}, then reads the row back: the server's defaults tell where it was written. */
    @Transactional
    public Mono<WrittenNote> write(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
            return Mono.error(new IllegalArgumentException("note text must be 1 to " + MAX_TEXT + " characters, got "
                    + (text == null ? "none" : text.length() + " characters")));
        }
        return repository.save(Note.of(text))
                .flatMap(saved -> repository.findById(saved.id()))
                .map(this::view);
    }

    /** The note with {@code id}; empty when there is none. */
    @Transactional(readOnly = true)
    public Mono<WrittenNote> find(long id) {
        return repository.findById(id).map(this::view);
    }

    @Transactional(readOnly = true)
    public Flux<WrittenNote> latest() {
        return repository.findTop10ByOrderByIdDesc().map(this::view);
    }

    private WrittenNote view(Note note) {
        return new WrittenNote(note.id(), note.text(), labels.of(note), note.createdAt());
    }
}
