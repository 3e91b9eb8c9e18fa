package io.pgconn.sample.notes;

import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Spring Data R2DBC on pgconn: {@code POST /api/notes {"text": "hi"}} writes a note and reads it back
 * (201 with the host that wrote it), {@code GET /api/notes/{id}} reads one, {@code GET /api/notes} the
 * last ten, {@code GET /api/writes}
 * shows the background {@link WriteLoad}'s counters.
 */
@RestController
class NotesController {

    private final NoteService notes;

    private final WriteLoad load;

    NotesController(NoteService notes, WriteLoad load) {
        this.notes = notes;
        this.load = load;
    }

    @PostMapping("/api/notes")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<WrittenNote> write(@RequestBody NoteRequest request) {
        return notes.write(request.text());
    }

    @GetMapping("/api/notes/{id}")
    Mono<ResponseEntity<WrittenNote>> read(@PathVariable long id) {
        return notes.find(id).map(ResponseEntity::ok).defaultIfEmpty(ResponseEntity.notFound().build());
    }

    @GetMapping("/api/notes")
    Mono<List<WrittenNote>> latest() {
        return notes.latest().collectList();
    }

    @GetMapping("/api/writes")
    WriteLoad.Stats writes() {
        return load.stats();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badNote(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** No primary to write to (e.g. during a failover): 503 with the driver's message, which holds no secret. */
    @ExceptionHandler(DataAccessException.class)
    ProblemDetail unavailable(DataAccessException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMostSpecificCause().getMessage());
        problem.setTitle("Database unavailable");
        problem.setProperty("reason", WriteLoad.reason(e));
        return problem;
    }

    /** @param text the note, 1 to 200 characters */
    record NoteRequest(String text) {
    }
}
