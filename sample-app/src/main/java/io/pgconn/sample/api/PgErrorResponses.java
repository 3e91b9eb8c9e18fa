package io.pgconn.sample.api;

import io.pgconn.PgException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A database that cannot be reached (or refuses the session) answers 503 with pgconn's message, which
 * names the hosts and what went wrong with each, and never holds a secret.
 */
@RestControllerAdvice
class PgErrorResponses {

    @ExceptionHandler(PgException.class)
    ProblemDetail unavailable(PgException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Database unavailable");
        problem.setProperty("exception", e.getClass().getSimpleName());
        return problem;
    }
}
