package io.pgconn.internal.failover;

import io.pgconn.ConnectFailures;
import io.pgconn.ErrorMessageLines;
import io.pgconn.PgException;
import io.pgconn.config.TargetSessionAttrs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The failures of one multi-host walk, in order, and the single exception that reports them:
 * every host with its reason in the message, every cause attached as suppressed (docs/lifecycle.md §2.3), made by
 * {@link ConnectFailures#walkReport}, where callers read the shape back ({@link ConnectFailures#deciding}: the last
 * host's failure decides).
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
        return ConnectFailures.walkReport(hostCount, target.libpqName(),
                failures.stream().map(f -> Map.entry(f.host(), f.error())).toList());
    }

    /** "; tried:" and the list, or nothing when no host has failed yet. */
    synchronized String triedSoFar() {
        return failures.isEmpty() ? "" : "; tried:" + list();
    }

    /**
     * One line per host, indented by two spaces: {@code host: message}, the message's further lines (a server
     * error's HINT) indented by four, so they read as the host's and not as the next host
     * ({@link ErrorMessageLines#hostLine}, as the report's list).
     */
    private String list() {
        StringBuilder sb = new StringBuilder();
        failures.forEach(f -> sb.append(ErrorMessageLines.hostLine(f.host(), String.valueOf(f.error().getMessage()))));
        return sb.toString();
    }
}
