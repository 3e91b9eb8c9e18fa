package io.pgconn.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.AuthMethod;
import io.pgconn.PgConnection;
import io.pgconn.ProtocolVersion;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.BackendMessageDecoder;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.query.RegistryValueCodecs;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.session.SessionFacts;
import io.pgconn.internal.session.PipelinedSession;
import io.pgconn.internal.session.SessionHandler;
import io.pgconn.query.Row;
import io.pgconn.query.RowSet;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of the query path alone, for A/B comparisons that the shared machine's load cannot blur:
 * a connection on an {@link EmbeddedChannel} whose server is scripted answers (the benchmark's PK select,
 * 1,000-row read and inserts, in the formats pgconn asks for), every call on the calling thread, measured as
 * that thread's CPU time. No sockets, no event-loop hand-offs, no syscalls: what it shows is pgconn's own code
 * (framing, decoding, exchange, futures, rows, codecs). Driven by {@link ReplayCompare}.
 */
public final class QueryReplay {
    static final String PK_SQL = QueryWork.PK_SQL;
    static final String ROWS_SQL = QueryWork.ROWS_SQL;
    static final String INSERT_SQL = QueryWork.INSERT_SQL;
    static final long TS2026 = (LocalDate.of(2026, 1, 1).toEpochDay() - 10957) * 86400L * 1_000_000L;

    static EmbeddedChannel channel;
    static PgConnection connection;
    static byte[] pkAnswer;
    static byte[][] rowsAnswer;
    static byte[] insertAnswer;

    private QueryReplay() {
    }

    /** Opens the scripted connection, prepares the three statements and warms the paths up. */
    public static void setup() {
        PipelinedSession session = new PipelinedSession("db:5432", new java.util.HashMap<>(), 256, new RegistryValueCodecs(CodecRegistry.defaults()));
        BackendMessageDecoder decoder = new BackendMessageDecoder("db:5432", 1 << 30, 1 << 30);
        decoder.authenticationComplete();
        deliverInBatches(decoder);
        channel = new EmbeddedChannel(decoder, FrontendMessageEncoder.INSTANCE, new SessionHandler(session));
        ConnectionControl control = new ConnectionControl(channel,
                new SessionFacts(new HostSpec("db", null, 5432), null, null, 42, new byte[4], ProtocolVersion.V3_0, AuthMethod.NONE),
                session, Map.of(), f -> CompletableFuture.completedFuture(null));
        connection = control.connection();
        // PK: first run describes
        ByteBuf b = Unpooled.buffer();
        parseDescribe(b, new int[] {23}, new String[] {"id", "name", "amount", "created"}, new int[] {23, 25, 1700, 1184});
        CompletableFuture<RowSet> f = connection.query(PK_SQL, 1);
        step();
        feed(toBytes(b));
        feed(answerBytes(pkRow(1)));
        f.join();
        pkAnswer = answerBytes(pkRow(7));
        // rows
        b = Unpooled.buffer();
        parseDescribe(b, new int[0], new String[] {"i4", "i8", "f8", "num", "txt", "vc", "flag", "ts", "d", "u"},
                new int[] {23, 20, 701, 1700, 25, 1043, 16, 1184, 1082, 2950});
        CompletableFuture<Integer> r = rows();
        step();
        feed(toBytes(b));
        step();
        ByteBuf all = Unpooled.buffer();
        all.writeByte('2').writeInt(4);
        for (int g = 1; g <= 1000; g++) {
            wideRow(all, g);
        }
        complete(all, "SELECT 1000");
        byte[] whole = toBytes(all);
        List<byte[]> chunks = new ArrayList<>();
        for (int at = 0; at < whole.length; at += 16384) {
            chunks.add(java.util.Arrays.copyOfRange(whole, at, Math.min(whole.length, at + 16384)));
        }
        rowsAnswer = chunks.toArray(byte[][]::new);
        for (byte[] c : rowsAnswer) {
            feed(c);
        }
        if (r.join() != 1000) {
            throw new IllegalStateException("rows");
        }
        // insert
        b = Unpooled.buffer();
        parseDescribe(b, new int[] {23, 25}, new String[0], new int[0]);
        CompletableFuture<RowSet> ins = connection.query(INSERT_SQL, 1, "value 1");
        step();
        feed(toBytes(b));
        step();
        ByteBuf one = Unpooled.buffer();
        one.writeByte('2').writeInt(4);
        complete(one, "INSERT 0 1");
        insertAnswer = toBytes(one);
        feed(insertAnswer);
        ins.join();
        // warm
        for (int i = 0; i < 20000; i++) {
            pk(i);
        }
        for (int i = 0; i < 200; i++) {
            rowsOnce();
        }
        for (int i = 0; i < 2000; i++) {
            inserts(16);
        }
    }

    /**
     * What a connection's startup handshake does at its end: a read's messages go to the session together. By reflection, so
     * that {@link ReplayCompare} also loads builds from before the call existed (they deliver each message alone).
     */
    private static void deliverInBatches(BackendMessageDecoder decoder) {
        try {
            BackendMessageDecoder.class.getMethod("deliverInBatches").invoke(decoder);
        } catch (NoSuchMethodException older) {
            // a build from before session 20: one message per pipeline hop
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CPU nanoseconds of this thread for {@code ops} operations of {@code scenario}. */
    public static long run(String scenario, int ops) {
        long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        switch (scenario) {
            case "PK" -> {
                for (int i = 0; i < ops; i++) {
                    pk(i);
                }
            }
            case "ROWS" -> {
                for (int i = 0; i < ops; i++) {
                    rowsOnce();
                }
            }
            case "INSERTS" -> {
                for (int i = 0; i < ops; i += 16) {
                    inserts(16);
                }
            }
            default -> throw new IllegalArgumentException(scenario);
        }
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
    }

    static void pk(int i) {
        CompletableFuture<Void> f = connection.query(PK_SQL, i).thenAccept(rows -> {
            Row r = rows.row(0);
            r.getInt(0);
            r.get(1, String.class);
            r.get(2, BigDecimal.class);
            r.get(3, OffsetDateTime.class);
        });
        step();
        feed(pkAnswer);
        f.join();
    }

    static CompletableFuture<Integer> rows() {
        return connection.statement(ROWS_SQL).map(r -> {
            r.getInt(0);
            r.getLong(1);
            r.getDouble(2);
            r.get(3, BigDecimal.class);
            r.getString(4);
            r.getString(5);
            r.getBoolean(6);
            r.get(7, OffsetDateTime.class);
            r.get(8, LocalDate.class);
            r.get(9, UUID.class);
            return Boolean.TRUE;
        }).thenApply(List::size);
    }

    static void rowsOnce() {
        CompletableFuture<Integer> r = rows();
        step();
        for (byte[] c : rowsAnswer) {
            feed(c);
        }
        r.join();
    }

    static final byte[][] BATCH = new byte[65][];

    static void inserts(int n) {
        List<CompletableFuture<RowSet>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(connection.query(INSERT_SQL, i, "value " + i));
        }
        step();
        byte[] answers = BATCH[n];
        if (answers == null) {
            answers = new byte[insertAnswer.length * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(insertAnswer, 0, answers, i * insertAnswer.length, insertAnswer.length);
            }
            BATCH[n] = answers;
        }
        feed(answers);
        for (CompletableFuture<RowSet> f : fs) {
            f.join();
        }
    }

    static void step() {
        channel.runPendingTasks();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
    }

    static void feed(byte[] bytes) {
        ByteBuf in = channel.alloc().directBuffer(bytes.length);
        in.writeBytes(bytes);
        channel.writeInbound(in);
        step();
    }

    static byte[] toBytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    static void parseDescribe(ByteBuf b, int[] params, String[] names, int[] oids) {
        b.writeByte('1').writeInt(4);
        b.writeByte('t').writeInt(4 + 2 + 4 * params.length).writeShort(params.length);
        for (int p : params) {
            b.writeInt(p);
        }
        if (names.length == 0) {
            b.writeByte('n').writeInt(4);
            return;
        }
        int lenAt = b.writerIndex() + 1;
        b.writeByte('T').writeInt(0).writeShort(names.length);
        for (int i = 0; i < names.length; i++) {
            b.writeCharSequence(names[i], StandardCharsets.UTF_8);
            b.writeByte(0);
            b.writeInt(16384).writeShort(i + 1).writeInt(oids[i]).writeShort(-1).writeInt(-1).writeShort(0);
        }
        b.setInt(lenAt, b.writerIndex() - lenAt);
    }

    static void complete(ByteBuf b, String tag) {
        b.writeByte('C').writeInt(4 + tag.length() + 1);
        b.writeCharSequence(tag, StandardCharsets.US_ASCII);
        b.writeByte(0);
        b.writeByte('Z').writeInt(5).writeByte('I');
    }

    static byte[] answerBytes(ByteBuf row) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte('2').writeInt(4);
        b.writeBytes(row);
        row.release();
        complete(b, "SELECT 1");
        return toBytes(b);
    }

    static ByteBuf pkRow(int g) {
        ByteBuf b = Unpooled.buffer();
        int lenAt = b.writerIndex() + 1;
        b.writeByte('D').writeInt(0).writeShort(4);
        b.writeInt(4).writeInt(g);
        byte[] name = ("customer-" + g).getBytes(StandardCharsets.UTF_8);
        b.writeInt(name.length).writeBytes(name);
        numeric(b, new BigDecimal(g).multiply(new BigDecimal("1.25")).setScale(2));
        b.writeInt(8).writeLong(TS2026 - g * 60_000_000L);
        b.setInt(lenAt, b.writerIndex() - lenAt);
        return b;
    }

    static void wideRow(ByteBuf b, int g) {
        int lenAt = b.writerIndex() + 1;
        b.writeByte('D').writeInt(0).writeShort(10);
        b.writeInt(4).writeInt(g);
        b.writeInt(8).writeLong(g * 1000000007L);
        b.writeInt(8).writeDouble(g / 7.0);
        numeric(b, new BigDecimal(g).multiply(new BigDecimal("3.1415")).setScale(4));
        byte[] t = ("row text number " + g).getBytes(StandardCharsets.UTF_8);
        b.writeInt(t.length).writeBytes(t);
        byte[] v = ("v" + g).getBytes(StandardCharsets.UTF_8);
        b.writeInt(v.length).writeBytes(v);
        b.writeInt(1).writeByte(g % 2 == 0 ? 1 : 0);
        b.writeInt(8).writeLong(TS2026 + g * 1_000_000L);
        b.writeInt(4).writeInt((int) (LocalDate.of(2026, 1, 1).toEpochDay() - 10957 + g));
        UUID u = UUID.nameUUIDFromBytes(Integer.toString(g).getBytes());
        b.writeInt(16).writeLong(u.getMostSignificantBits()).writeLong(u.getLeastSignificantBits());
        b.setInt(lenAt, b.writerIndex() - lenAt);
    }

    /** PostgreSQL's binary numeric of a non-negative value. */
    static void numeric(ByteBuf b, BigDecimal value) {
        String plain = value.toPlainString();
        int dot = plain.indexOf('.');
        String ip = dot < 0 ? plain : plain.substring(0, dot);
        String fp = dot < 0 ? "" : plain.substring(dot + 1);
        while (ip.length() % 4 != 0) {
            ip = "0" + ip;
        }
        while (fp.length() % 4 != 0) {
            fp = fp + "0";
        }
        List<Integer> digits = new ArrayList<>();
        for (int i = 0; i < ip.length(); i += 4) {
            digits.add(Integer.parseInt(ip.substring(i, i + 4)));
        }
        int weight = digits.size() - 1;
        for (int i = 0; i < fp.length(); i += 4) {
            digits.add(Integer.parseInt(fp.substring(i, i + 4)));
        }
        while (!digits.isEmpty() && digits.get(0) == 0) {
            digits.remove(0);
            weight--;
        }
        while (!digits.isEmpty() && digits.get(digits.size() - 1) == 0) {
            digits.remove(digits.size() - 1);
        }
        b.writeInt(8 + 2 * digits.size());
        b.writeShort(digits.size()).writeShort(digits.isEmpty() ? 0 : weight).writeShort(0).writeShort(value.scale());
        for (int d : digits) {
            b.writeShort(d);
        }
    }
}
