package io.pgconn.sample.notes;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.ReadOnlyProperty;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One row of {@code note}. The application writes only {@code text}; the server fills in the rest
 * (column defaults), so {@code serverAddr}/{@code serverPort} say which server really ran the INSERT.
 *
 * @param id         generated
 * @param text       what was written
 * @param serverAddr {@code inet_server_addr()} of the server that wrote the row; null over a Unix socket
 * @param serverPort {@code inet_server_port()} of that server
 * @param createdAt  the server's {@code now()} at the write
 */
@Table("note")
public record Note(@Id Long id, String text, @ReadOnlyProperty String serverAddr, @ReadOnlyProperty Integer serverPort,
                   @ReadOnlyProperty Instant createdAt) {

    static Note of(String text) {
        return new Note(null, text, null, null, null);
    }
}
