package io.pgconn.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A tiny PostgreSQL simple-query client over the server's Unix socket, as superuser with trust
 * authentication. Just enough for setup SQL: startup, 'Q', DataRow as text, ErrorResponse. Not a driver.
 */
final class AdminClient implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pgconn-testkit-admin-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Map<String, String> parameters = new HashMap<>();
    private final Duration timeout;

    private AdminClient(SocketChannel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
    }

    /**
     * Connects to {@code <socketDirectory>/.s.PGSQL.<port>} as {@code user} and waits for ReadyForQuery.
     */
    static AdminClient connect(Path socketDirectory, int port, String user, String database, Duration timeout) {
        Path socket = socketDirectory.resolve(".s.PGSQL." + port);
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            AdminClient c = new AdminClient(ch, timeout);
            c.guarded(() -> {
                c.startup(user, database);
                return null;
            });
            return c;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new PgTestkitException("cannot connect to " + socket + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** @return the ParameterStatus values the server sent at startup (server_version, ...) */
    Map<String, String> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    private interface IoWork<T> {
        T run() throws IOException;
    }

    /** Runs blocking I/O under a deadline: the watchdog closes the channel when it passes. */
    private <T> T guarded(IoWork<T> work) throws IOException {
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // unblocks the reader
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return work.run();
        } catch (IOException e) {
            if (!channel.isOpen()) {
                throw new IOException("no answer within " + timeout, e);
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    private void startup(String user, String database) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeInt(196608);
        for (String s : new String[] {"user", user, "database", database, "application_name", "pgconn-testkit"}) {
            b.write(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
        out.flush();
        while (true) {
            int type = in.readUnsignedByte();
            byte[] msg = readBody();
            switch (type) {
                case 'R' -> {
                    int code = ((msg[0] & 0xff) << 24) | ((msg[1] & 0xff) << 16) | ((msg[2] & 0xff) << 8) | (msg[3] & 0xff);
                    if (code != 0) {
                        throw new PgTestkitException("the testkit's admin connection needs trust authentication for "
                                + user + " on the Unix socket, but the server asked for method " + code);
                    }
                }
                case 'S' -> {
                    List<String> kv = cStrings(msg, 0);
                    if (kv.size() >= 2) {
                        parameters.put(kv.get(0), kv.get(1));
                    }
                }
                case 'E' -> throw error(msg, "startup");
                case 'Z' -> {
                    return;
                }
                default -> {
                    // BackendKeyData, NoticeResponse, NegotiateProtocolVersion: not needed
                }
            }
        }
    }

    /**
     * Runs one simple query (may hold several statements) and returns every DataRow, columns as text
     * ({@code null} for SQL NULL).
     */
    List<List<String>> query(String sql) {
        try {
            return guarded(() -> {
                byte[] text = sql.getBytes(StandardCharsets.UTF_8);
                out.writeByte('Q');
                out.writeInt(4 + text.length + 1);
                out.write(text);
                out.write(0);
                out.flush();
                List<List<String>> rows = new ArrayList<>();
                PgTestkitException error = null;
                while (true) {
                    int type = in.readUnsignedByte();
                    byte[] msg = readBody();
                    switch (type) {
                        case 'D' -> rows.add(dataRow(msg));
                        case 'E' -> error = error(msg, sql);
                        case 'Z' -> {
                            if (error != null) {
                                throw error;
                            }
                            return rows;
                        }
                        default -> {
                            // RowDescription, CommandComplete, NoticeResponse, EmptyQueryResponse, ParameterStatus
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new PgTestkitException("admin query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    private byte[] readBody() throws IOException {
        int len = in.readInt();
        if (len < 4 || len > 64 * 1024 * 1024) {
            throw new IOException("bad message length " + len);
        }
        byte[] body = new byte[len - 4];
        in.readFully(body);
        return body;
    }

    private static List<String> dataRow(byte[] msg) throws EOFException {
        int pos = 0;
        int n = ((msg[pos] & 0xff) << 8) | (msg[pos + 1] & 0xff);
        pos += 2;
        List<String> row = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (pos + 4 > msg.length) {
                throw new EOFException("truncated DataRow");
            }
            int len = ((msg[pos] & 0xff) << 24) | ((msg[pos + 1] & 0xff) << 16) | ((msg[pos + 2] & 0xff) << 8)
                    | (msg[pos + 3] & 0xff);
            pos += 4;
            if (len < 0) {
                row.add(null);
            } else {
                row.add(new String(msg, pos, len, StandardCharsets.UTF_8));
                pos += len;
            }
        }
        return row;
    }

    private static List<String> cStrings(byte[] msg, int from) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < msg.length; i++) {
            if (msg[i] == 0) {
                out.add(new String(msg, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private static PgTestkitException error(byte[] msg, String context) {
        String severity = "ERROR";
        String code = null;
        String message = "";
        int i = 0;
        while (i < msg.length && msg[i] != 0) {
            char field = (char) msg[i];
            int end = i + 1;
            while (end < msg.length && msg[end] != 0) {
                end++;
            }
            String value = new String(msg, i + 1, end - i - 1, StandardCharsets.UTF_8);
            switch (field) {
                case 'S' -> severity = value;
                case 'C' -> code = value;
                case 'M' -> message = value;
                default -> {
                    // detail, hint, position...
                }
            }
            i = end + 1;
        }
        return new PgTestkitException(severity + " " + code + ": " + message + " (in: " + context + ")", code, null);
    }

    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                out.writeByte('X');
                out.writeInt(4);
                out.flush();
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            closeQuietly(channel);
        }
    }
}
