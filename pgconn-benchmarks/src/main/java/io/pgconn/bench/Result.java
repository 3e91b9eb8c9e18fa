package io.pgconn.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One measured scenario of one client, sent from a worker to the coordinator as a tab-separated
 * line. Latencies are in milliseconds; {@code throughput} is operations per second (for sequential
 * scenarios 1 / mean of the timed operation, for the in-flight scenario connections completed per
 * second of wall-clock time); {@code value} carries a scenario's single number (bytes of heap);
 * {@code cpuMs} is the client JVM's CPU time per iteration (all threads, close and bookkeeping included).
 */
record Result(String client, Scenario scenario, int n, double mean, double p50, double p90, double p99, double throughput,
              double value, double cpuMs) {

    private static final String TAG = "RESULT";

    static Result ofLatencies(String client, Scenario scenario, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long n : sorted) {
            sum += n;
        }
        double meanMs = sorted.length == 0 ? Double.NaN : sum / sorted.length / 1e6;
        return new Result(client, scenario, sorted.length, meanMs, percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99), sorted.length == 0 ? Double.NaN : 1000.0 / meanMs, Double.NaN, Double.NaN);
    }

    static Result ofThroughput(String client, Scenario scenario, int n, double perSecond) {
        return new Result(client, scenario, n, Double.NaN, Double.NaN, Double.NaN, Double.NaN, perSecond, Double.NaN, Double.NaN);
    }

    static Result ofValue(String client, Scenario scenario, int n, double value) {
        return new Result(client, scenario, n, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, value, Double.NaN);
    }

    /** Nearest-rank percentile in milliseconds. */
    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    /** The same result with the client JVM's CPU time per operation. */
    Result withCpu(double cpuMsPerOp) {
        return new Result(client, scenario, n, mean, p50, p90, p99, throughput, value, cpuMsPerOp);
    }

    String toLine() {
        return String.join("\t", TAG, client, scenario.name(), Integer.toString(n), num(mean), num(p50), num(p90), num(p99),
                num(throughput), num(value), num(cpuMs));
    }

    static boolean isLine(String line) {
        return line.startsWith(TAG + "\t");
    }

    static Result parse(String line) {
        String[] f = line.split("\t");
        return new Result(f[1], Scenario.valueOf(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]),
                Double.parseDouble(f[10]));
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }
}
