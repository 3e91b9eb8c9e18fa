package io.pgconn.internal.protocol;

/**
 * What a peer's first answer that is no PostgreSQL message says about it: one that begins {@code HTTP/} is an HTTP
 * server's, so the port is another service's, not PostgreSQL's (new user 19's F5: "received byte 0x48" left the
 * reader to decode it). Read only on the way to a protocol error, from the bytes already there.
 */
public final class ForeignAnswer {

    /** {@code TTP/} read as a big-endian int: what follows an {@code H} in {@code HTTP/}. */
    private static final int TTP_SLASH = ('T' << 24) | ('T' << 16) | ('P' << 8) | '/';

    private ForeignAnswer() {
    }

    /**
     * The note for an answer whose first byte is {@code first} and whose next four, read as an int, are
     * {@code nextFour} ({@code null}: not there yet): {@code "; it begins \"HTTP/\": an HTTP server answers at that
     * port, not PostgreSQL"}, or the empty string.
     */
    public static String note(int first, Integer nextFour) {
        return first == 'H' && nextFour != null && nextFour == TTP_SLASH
                ? "; it begins \"HTTP/\": an HTTP server answers at that port, not PostgreSQL" : "";
    }
}
