package io.pgconn.bench;

import io.pgconn.config.SslProviderKind;

import java.time.Duration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A profiling driver for the connect path, not a benchmark: one client's connect+close loop (the
 * same loop as {@link Measure#connectLoop}) against the benchmark servers in this JVM, printing p50
 * and client CPU per connect, so that a JFR recording ({@code -XX:StartFlightRecording}) sees only
 * that loop. {@code ConnectProfile [pgconn|pgconn-no-types|pgjdbc] [TARGET|FAILOVER_FIRST] [warmupSeconds] [measureSeconds]}
 * ({@code FAILOVER_FIRST}: a new factory per connect, as the benchmark's first failover).
 */
public final class ConnectProfile {

    private ConnectProfile() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "pgconn";
        if (name.equals("hop")) {
            hop();
            return;
        }
        // FAILOVER_FIRST: the FAILOVER target with a new source (factory) per connect, as the benchmark's first failover
        boolean fresh = args.length > 1 && args[1].equals("FAILOVER_FIRST");
        Target target = fresh ? Target.FAILOVER : args.length > 1 ? Target.valueOf(args[1]) : Target.TRUST;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        try (BenchServers servers = new BenchServers(50)) {
            Endpoints endpoints = servers.endpoints();
            try (Client client = name.equals("pgjdbc") ? new PgjdbcClient(endpoints)
                    : new PgconnClient(endpoints, SslProviderKind.AUTO, !name.equals("pgconn-no-types"))) {
                Measure m = new Measure(client, new Measure.Settings(Duration.ZERO, 8));
                m.connectLoop(target, fresh, Duration.ofSeconds(warmup), Integer.MAX_VALUE, null, null);
                if (args.length > 4) {
                    abBlocks(m, target, args[4], measure);
                    return;
                }
                Samples connects = new Samples();
                Samples closes = new Samples();
                jdk.jfr.Recording recording = startRecording();
                System.out.println("measuring (pid " + ProcessHandle.current().pid() + ")"); // for tools that attach now (strace -p)
                Map<String, long[]> before = ThreadTicks.read();
                long cpu = m.connectLoop(target, fresh, Duration.ofSeconds(measure), Integer.MAX_VALUE, connects, closes);
                Map<String, long[]> after = ThreadTicks.read();
                if (recording != null) {
                    recording.stop();
                    recording.dump(Path.of(System.getProperty("profile.jfr")));
                    recording.close();
                }
                after.forEach((thread, t) -> {
                    long[] b = before.getOrDefault(thread, new long[2]);
                    long user = t[0] - b[0];
                    long sys = t[1] - b[1];
                    if (user + sys > 0) {
                        System.out.printf("  %-24s user %.3f ms/op sys %.3f ms/op%n", thread, user * 10.0 / connects.size(), sys * 10.0 / connects.size());
                    }
                });
                System.out.printf("%s %s: n=%d connect p50 %.3f ms p90 %.3f ms; close p50 %.3f ms mean %.3f ms; client CPU %.3f ms/op%n",
                        name, target, connects.size(), pct(connects, 50), pct(connects, 90), pct(closes, 50), mean(closes),
                        cpu / 1e6 / connects.size());
            }
        }
    }

    /**
     * What one round trip caller → idle event loop → caller costs here (no I/O): the floor of the two
     * thread hand-overs every connect (and close) of an event-loop client called from a blocking thread pays.
     */
    private static void hop() {
        io.netty.channel.EventLoopGroup group = io.pgconn.Transport.best().newEventLoopGroup(1);
        io.netty.channel.EventLoop loop = group.next();
        Samples samples = new Samples();
        for (int i = 0; i < 12_000; i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(500_000); // the loop falls asleep, as between connects
            long t0 = System.nanoTime();
            java.util.concurrent.CompletableFuture.runAsync(() -> { }, loop).join();
            long t1 = System.nanoTime();
            if (i >= 2_000) {
                samples.add(t1 - t0);
            }
        }
        System.out.printf("caller -> idle loop -> caller: n=%d p50 %.3f ms p90 %.3f ms mean %.3f ms%n", samples.size(),
                pct(samples, 50), pct(samples, 90), mean(samples));
        group.shutdownGracefully();
    }

    /**
     * A/B in one JVM against one server: 1-second blocks alternating system property {@code property}
     * (a temporary switch in the code under test) false/true, so that machine noise hits both alike.
     */
    private static void abBlocks(Measure m, Target target, String property, int seconds) {
        Samples[] connects = {new Samples(), new Samples()};
        Samples[] closes = {new Samples(), new Samples()};
        long[] cpu = new long[2];
        for (int block = 0; block < seconds; block++) {
            int side = block % 2;
            System.setProperty(property, Boolean.toString(side == 1));
            cpu[side] += m.connectLoop(target, false, Duration.ofSeconds(1), Integer.MAX_VALUE, connects[side], closes[side]);
        }
        for (int side = 0; side < 2; side++) {
            System.out.printf("%s=%s %s: n=%d connect p50 %.3f ms p90 %.3f ms; close p50 %.3f ms mean %.3f ms; client CPU %.3f ms/op%n",
                    property, side == 1, target, connects[side].size(), pct(connects[side], 50), pct(connects[side], 90),
                    pct(closes[side], 50), mean(closes[side]), cpu[side] / 1e6 / connects[side].size());
        }
    }

    /**
     * A JFR recording of the measured loop only (not the warm-up), when system property {@code profile.jfr}
     * names the file to write; {@code profile.jfc} names the settings (default: the JDK's "profile").
     */
    private static jdk.jfr.Recording startRecording() throws IOException, java.text.ParseException {
        if (System.getProperty("profile.jfr") == null) {
            return null;
        }
        String jfc = System.getProperty("profile.jfc");
        jdk.jfr.Configuration configuration = jfc == null ? jdk.jfr.Configuration.getConfiguration("profile")
                : jdk.jfr.Configuration.create(Path.of(jfc));
        jdk.jfr.Recording recording = new jdk.jfr.Recording(configuration);
        recording.start();
        return recording;
    }


    private static double pct(Samples s, int p) {
        long[] v = s.toArray();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, v.length * p / 100)] / 1e6;
    }

    private static double mean(Samples s) {
        return Arrays.stream(s.toArray()).average().orElse(0) / 1e6;
    }
}
