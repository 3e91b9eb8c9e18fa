package io.pgconn.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A text file read the way libpq reads {@code .pgpass} and {@code pg_service.conf}: as bytes, one line per
 * {@code \n}. libpq never decodes them, so a byte that is no UTF-8 (a Latin-1 comment, another section written by
 * an ISO-8859-1 editor) changes nothing for the lines that are used; Java's {@code Files.readAllLines} threw on the
 * first such byte and made the whole file unreadable (REVIEW-31 R31-5). Each line is decoded on its own: a line that
 * is valid UTF-8 is its text; one that is not is kept with U+FFFD in place of its bad bytes (the ASCII that gives a
 * line its shape — {@code #}, {@code [}, {@code :}, {@code =} — is kept) and marked, so that the reader refuses or
 * skips it only if it uses it.
 */
final class ByteLines {

    /** One line: its 1-based number, its text, and whether its bytes were valid UTF-8. */
    record Line(int number, String text, boolean utf8) {
    }

    private ByteLines() {
    }

    static List<Line> read(Path file) throws IOException {
        return split(Files.readAllBytes(file));
    }

    /** The lines of {@code bytes}, split at {@code \n} (a trailing {@code \n} does not start another line). */
    static List<Line> split(byte[] bytes) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lines.add(line(lines.size() + 1, bytes, start, end));
            start = end + 1;
        }
        return lines;
    }

    /** Lines given as text (tests, callers holding text already): all valid. */
    static List<Line> of(List<String> texts) {
        List<Line> lines = new ArrayList<>(texts.size());
        for (String text : texts) {
            lines.add(new Line(lines.size() + 1, text, true));
        }
        return lines;
    }

    private static Line line(int number, byte[] bytes, int start, int end) {
        ByteBuffer slice = ByteBuffer.wrap(bytes, start, end - start);
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
            return new Line(number, text, true);
        } catch (CharacterCodingException notUtf8) {
            return new Line(number, new String(bytes, start, end - start, StandardCharsets.UTF_8), false);
        }
    }
}
