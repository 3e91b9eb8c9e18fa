package io.pgconn.internal.failover;

import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.PgAuthenticationException;
import io.pgconn.ErrorMessageLines;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;

import java.util.ArrayList;
import java.util.List;

/**
 * The failures of one multi-host walk, in order, and the single exception that reports them:
 * every host with its reason in the message, every cause attached as suppressed (docs/lifecycle.md §2.3). Callers
 * read the shape back through {@link io.pgconn.ConnectFailures#deciding} (the last host's failure decides).
 */
final class WalkFailures {

    private record Failure(String host, PgException error) {
    }

    private final List<Failure> failures = new ArrayList<>();

    synchronized void add(String host, PgException error) {
        failures.add(new Failure(host, error));
    }

    /**
     * One failure is reported as itself (it already names its host); several as one exception of
     * the last failure's kind (authentication, or connect) listing them all.
     */
    synchronized PgException aggregate(int hostCount, TargetSessionAttrs target) {
        if (failures.size() == 1) {
            return failures.get(0).error();
        }
        String message = "could not connect to any of " + hostCount + " hosts (target_session_attrs=" + target.libpqName() + "):"
                + list();
        PgException last = failures.isEmpty() ? null : failures.get(failures.size() - 1).error();
        PgException aggregate = last instanceof PgAuthenticationException
                ? new PgAuthenticationException(null, message, last.serverFields(), null)
                : new PgConnectException(null, message);
        failures.forEach(f -> aggregate.addSuppressed(f.error()));
        return aggregate;
    }

    /** "; tried:" and the list, or nothing when no host has failed yet. */
    synchronized String triedSoFar() {
        return failures.isEmpty() ? "" : "; tried:" + list();
    }

    /**
     * One line per host, indented by two spaces: {@code host: message}, the message's further lines (a server
     * error's HINT) indented by four, so they read as the host's and not as the next host ({@link ErrorMessageLines}).
     */
    private String list() {
        StringBuilder sb = new StringBuilder();
        failures.forEach(f -> sb.append('\n').append(" ".repeat(ErrorMessageLines.HOST_INDENT)).append(f.host()).append(": ")
                .append(ErrorMessageLines.asListItem(String.valueOf(f.error().getMessage()))));
        return sb.toString();
    }
}
