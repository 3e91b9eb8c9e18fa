package io.pgconn.internal.startup;

import java.util.concurrent.CompletableFuture;

/**
 * Where a handshake gets the password when — and only when — the server asks for one (cleartext, MD5 or SASL): the
 * password given, known at once, or the {@code .pgpass} line of the host being logged in to, which takes blocking file
 * I/O and so is read on the factory's file-read pool while the handshake waits (docs/lifecycle.md §1.6). A trust, peer
 * or certificate login never asks, so never reads the file nor leaves the event loop.
 */
@FunctionalInterface
public interface PasswordLookup {

    /**
     * The password, completed with null when there is none: already completed when it is known (no hop), else on
     * another thread — the handshake then goes on on its channel's loop. Asked once per request that needs it.
     */
    CompletableFuture<String> password();

    /** A password known now ({@code null}: none), as given in the configuration. */
    static PasswordLookup given(String password) {
        CompletableFuture<String> known = CompletableFuture.completedFuture(password);
        return () -> known;
    }
}
