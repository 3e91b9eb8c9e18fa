package io.pgconn.spring.boot.autoconfigure.r2dbc.enums;

import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

import java.util.List;

public interface TicketRepository extends ReactiveCrudRepository<Ticket, Long> {

    Flux<Ticket> findByMood(Ticket.Mood mood);

    /** An array parameter: one bind marker, the array ({@code List} parameters are expanded by Spring, below). */
    @Query("SELECT * FROM ticket WHERE moods && :moods ORDER BY id")
    Flux<Ticket> sharingAMoodWith(Ticket.Mood[] moods);

    /** A {@code List} parameter: Spring expands it into one bind marker per element. */
    @Query("SELECT * FROM ticket WHERE mood IN (:moods) ORDER BY id")
    Flux<Ticket> inMoods(List<Ticket.Mood> moods);
}
