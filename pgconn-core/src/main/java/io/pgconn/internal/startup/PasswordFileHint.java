package io.pgconn.internal.startup;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgException;

import java.nio.file.Path;
import java.util.Optional;

/**
 * libpq's {@code pgpassfileWarning}: a password the server refused (28P01, invalid_password) that came from a
 * {@code .pgpass} file gets the line {@code password retrieved from file "<path>"} — a stale line after a rotation is
 * the usual cause, and a user who gave no password anywhere has no other clue that a file supplied one. The path is
 * not a secret; the password never appears (REVIEW-25 R25-3, docs/lifecycle.md §6).
 */
final class PasswordFileHint {

    private PasswordFileHint() {
    }

    static PgException added(PgException failure, Optional<Path> passwordFile) {
        if (passwordFile.isEmpty() || !(failure instanceof PgAuthenticationException)
                || failure.sqlState().filter("28P01"::equals).isEmpty()) {
            return failure;
        }
        return new PgAuthenticationException(failure.host(), failure.getMessage()
                + "\npassword retrieved from file \"" + passwordFile.get() + "\"", failure.serverFields(), null);
    }
}
