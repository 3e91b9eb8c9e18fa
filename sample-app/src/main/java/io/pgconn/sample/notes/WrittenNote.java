package io.pgconn.sample.notes;

import java.time.Instant;

/**
 * A note as the API shows it.
 *
 * @param id        the row's id
 * @param text      what was written
 * @param host      {@code host:port} of the server that wrote it, named as health names hosts
 * @param createdAt when the server wrote it
 */
public record WrittenNote(long id, String text, String host, Instant createdAt) {
}
