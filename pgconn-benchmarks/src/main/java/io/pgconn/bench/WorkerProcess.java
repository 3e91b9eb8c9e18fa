package io.pgconn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The coordinator's handle on one {@link WorkerMain} JVM: sends a command, collects its answer. */
final class WorkerProcess implements AutoCloseable {

    private final String client;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path log;
    private final List<String> errors;
    private String settings = "";
    private final Set<Scenario> supports = EnumSet.noneOf(Scenario.class);
    private final List<TurnP50s> turns = new ArrayList<>();

    /**
     * @param pgconnBuild for a second build of pgconn in the run ({@code --pgconn-build NAME=PATH}, client {@code pgconn-NAME}):
     *                    PATH, a pgconn-core jar or classes directory put in place of this run's pgconn-core; else null
     * @param r2dbcBuild  for a second build of pgconn-r2dbc ({@code --r2dbc-build NAME=PATH}, clients {@code pgconn-r2dbc-*-data-NAME}):
     *                    PATH, a pgconn-r2dbc jar or classes directory put in place of this run's pgconn-r2dbc; else null
     * @param starterBuild for a second build of pgconn-spring-boot-starter ({@code --starter-build NAME=PATH}, clients
     *                    {@code pgconn-boot-*-data-NAME}): PATH, a starter jar or classes directory put in place of this run's; else null
     * @param prefix      the command the worker is started through (empty; {@code taskset -c CPUS} with {@code --pin-cpus})
     */
    WorkerProcess(String client, Endpoints endpoints, long pauseMs, List<String> extraJvmArgs, Path logDir, List<String> errors,
                  Path pgconnBuild, Path r2dbcBuild, Path starterBuild, List<String> prefix) throws IOException {
        this.client = client;
        this.errors = errors;
        List<String> cmd;
        if (client.equals(NATIVE_LIBPQ)) {
            cmd = nativeCommand(endpoints, pauseMs);
        } else if (pgconnBuild != null) {
            List<String> args = new ArrayList<>(extraJvmArgs);
            args.add("-D" + WorkerMain.PGCONN_BUILD_PROPERTY + "=" + client.substring(WorkerMain.PGCONN_BUILD_PREFIX.length()));
            cmd = jvmCommand(client, endpoints, pauseMs, args, withPgconnCore(System.getProperty("java.class.path"), pgconnBuild));
        } else if (r2dbcBuild != null) {
            cmd = jvmCommand(client, endpoints, pauseMs, extraJvmArgs, withModule(System.getProperty("java.class.path"), r2dbcBuild,
                    "pgconn-r2dbc", "--r2dbc-build"));
        } else if (starterBuild != null) {
            cmd = jvmCommand(client, endpoints, pauseMs, extraJvmArgs, withModule(System.getProperty("java.class.path"), starterBuild,
                    "pgconn-spring-boot-starter", "--starter-build"));
        } else {
            cmd = jvmCommand(client, endpoints, pauseMs, extraJvmArgs, System.getProperty("java.class.path"));
        }
        Files.createDirectories(logDir);
        this.log = logDir.resolve(client + ".log");
        List<String> started = new ArrayList<>(prefix);
        started.addAll(cmd);
        this.process = new ProcessBuilder(started).redirectError(log.toFile()).start();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        for (String line : answer()) {
            if (line.startsWith("SETTINGS\t")) {
                settings = line.split("\t", 3)[2];
            } else if (line.startsWith("SUPPORTS\t")) {
                for (String s : line.substring(9).split(",")) {
                    supports.add(Scenario.valueOf(s));
                }
            }
        }
    }

    /** The native libpq worker (src/main/c/libpq_worker.c), built by run.sh: same commands, same loops. */
    static final String NATIVE_LIBPQ = "libpq";
    static final Path NATIVE_LIBPQ_BINARY = Path.of("pgconn-benchmarks/target/libpq-worker");

    private static List<String> jvmCommand(String client, Endpoints endpoints, long pauseMs, List<String> extraJvmArgs, String classPath) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=disabled"));
        for (String arg : extraJvmArgs) { // "{client}" names the worker's client: a JFR file per worker (JDK 17 knows no %p)
            cmd.add(arg.replace("{client}", client));
        }
        cmd.addAll(List.of("-cp", classPath));
        cmd.addAll(endpoints.asJvmArguments());
        cmd.addAll(List.of(WorkerMain.class.getName(), client, Long.toString(pauseMs)));
        return cmd;
    }

    /**
     * {@code classPath} with {@code build} where pgconn-core was (its module's {@code target/classes}, or a
     * {@code pgconn-core-*.jar}): the worker loads every pgconn-core class from the other build, nothing else changes.
     */
    static String withPgconnCore(String classPath, Path build) throws IOException {
        return withModule(classPath, build, "pgconn-core", "--pgconn-build");
    }

    /** {@code classPath} with {@code build} where the reactor module {@code module} was (its {@code target/classes} or jar). */
    static String withModule(String classPath, Path build, String module, String option) throws IOException {
        if (!Files.exists(build)) {
            throw new IOException(option + ": " + build + " does not exist (expected a " + module + " jar or classes directory)");
        }
        List<String> entries = new ArrayList<>();
        int replaced = 0;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String file = p.getFileName() == null ? "" : p.getFileName().toString();
            boolean core = (file.startsWith(module + "-") && file.endsWith(".jar") && !file.endsWith("-tests.jar")
                    && Character.isDigit(file.charAt(module.length() + 1)))
                    || p.endsWith(Path.of(module, "target", "classes"));
            if (core) {
                replaced++;
            }
            entries.add(core ? build.toAbsolutePath().toString() : entry);
        }
        if (replaced != 1) {
            throw new IOException(option + ": expected one " + module + " entry in the class path, found " + replaced + ": " + classPath);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static List<String> nativeCommand(Endpoints endpoints, long pauseMs) throws IOException {
        if (!Files.isExecutable(NATIVE_LIBPQ_BINARY)) {
            throw new IOException(NATIVE_LIBPQ_BINARY + " is missing: run.sh builds it with gcc and libpq-dev");
        }
        List<String> cmd = new ArrayList<>(List.of(NATIVE_LIBPQ_BINARY.toString(), Long.toString(pauseMs)));
        endpoints.asMap().forEach((k, v) -> cmd.add(k + "=" + v));
        return cmd;
    }

    String client() {
        return client;
    }

    /** The worker's process id (for its CPUs in the results header). */
    long pid() {
        return process.pid();
    }

    String settings() {
        return settings;
    }

    boolean supports(Scenario scenario) {
        return supports.contains(scenario);
    }

    /** Sends one command; returns its RESULT lines parsed (TURNS lines to {@link #turns()}, ERROR lines to the run's error list). */
    List<Result> command(String command) throws IOException {
        in.println(command);
        List<Result> results = new ArrayList<>();
        for (String line : answer()) {
            if (Result.isLine(line)) {
                results.add(Result.parse(line));
            } else if (TurnP50s.isLine(line)) {
                turns.add(TurnP50s.parse(line));
            }
        }
        return results;
    }

    /** The per-turn p50s of every scenario reported so far. */
    List<TurnP50s> turns() {
        return turns;
    }

    private List<String> answer() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null && !line.equals("DONE")) {
            if (line.startsWith("ERROR\t")) {
                errors.add(line.substring(6).replace('\t', ' ') + " (stack trace in " + log + ")");
                System.err.println("   " + line);
            }
            lines.add(line);
        }
        if (line == null) {
            throw new IOException("worker " + client + " ended unexpectedly (exit " + (process.isAlive() ? "?" : process.exitValue())
                    + "; see " + log + ")");
        }
        return lines;
    }

    @Override
    public void close() {
        in.println("QUIT");
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
