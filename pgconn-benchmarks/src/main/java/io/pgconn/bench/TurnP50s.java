package io.pgconn.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One client's p50 of each measured turn of a latency scenario, in the order of the rounds: the
 * coordinator pairs turn k of every client (they ran in the same round, minutes apart at most) and
 * reads a ratio per round, so that a round the machine spent in a slow scheduling mode weighs on
 * both clients of the ratio instead of on whichever client happened to have its turns there.
 * For a pipelined scenario ({@link Scenario#pipelined()}) the values are each turn's statements/s instead
 * ({@link Report#perRoundThroughputTable()}).
 */
record TurnP50s(String client, Scenario scenario, List<Double> p50Ms) {

    private static final String TAG = "TURNS";

    String toLine() {
        return TAG + "\t" + client + "\t" + scenario.name() + "\t"
                + p50Ms.stream().map(d -> String.format(Locale.ROOT, "%.6f", d)).collect(Collectors.joining(","));
    }

    static boolean isLine(String line) {
        return line.startsWith(TAG + "\t");
    }

    static TurnP50s parse(String line) {
        String[] f = line.split("\t");
        List<Double> p50 = f.length < 4 || f[3].isEmpty() ? List.of()
                : Arrays.stream(f[3].split(",")).map(Double::valueOf).toList();
        return new TurnP50s(f[1], Scenario.valueOf(f[2]), p50);
    }
}
