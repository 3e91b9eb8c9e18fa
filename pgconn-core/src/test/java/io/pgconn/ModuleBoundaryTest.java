package io.pgconn;

import io.pgconn.testing.ClassFileReferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boundary on the module path (issue 16): a module that requires {@code io.pgconn.core} can
 * use the API and cannot compile against an internal package.
 */
class ModuleBoundaryTest {

    @TempDir
    Path work;

    @Test
    void anApplicationModuleCompilesAgainstTheApi() throws IOException {
        List<Diagnostic<? extends JavaFileObject>> errors = compileApp("""
                package app;

                import io.pgconn.PgConnectionFactory;
                import io.pgconn.config.ConnConfig;
                import io.pgconn.config.SslMode;
                import io.pgconn.trace.PgTracer;

                public class App {
                    public static PgConnectionFactory factory() {
                        return PgConnectionFactory.builder(ConnConfig.builder().build()).tracer(PgTracer.noop()).build();
                    }

                    public static SslMode mode() {
                        return SslMode.VERIFY_FULL;
                    }
                }
                """);

        assertThat(errors).isEmpty();
    }

    @Test
    void anApplicationModuleCannotImportAnInternalPackage() throws IOException {
        List<Diagnostic<? extends JavaFileObject>> errors = compileApp("""
                package app;

                import io.pgconn.internal.session.ConnectionControl;

                public class App {
                    static ConnectionControl control;
                }
                """);

        assertThat(errors).extracting(d -> d.getMessage(Locale.ROOT))
                .anySatisfy(message -> assertThat(message).contains("io.pgconn.internal.session")
                        .contains("does not export"));
    }

    /**
     * What a host watcher tells a factory's host memory, and its closing of every connection to a host that stopped
     * answering, are no methods of the factory an application queries through: they are reached through
     * {@code hostObservations(lookup)}, in the exported {@code io.pgconn.spi} package, with the lookup of a class that
     * implements {@code HostWatcher} (a capability of the watcher's class: {@code HostWatcherLookupTest} pins the refusal
     * of any other lookup). Listening for a host found up stays on the factory: it changes nothing for other callers,
     * and an application's own re-connect loop needs it. There is no {@code hostObservations()} without the lookup.
     */
    @Test
    void aWatcherTellsTheHostMemoryThroughHostObservationsOnly() throws IOException {
        List<Diagnostic<? extends JavaFileObject>> watcher = compileApp("""
                package app;

                import io.pgconn.PgConnectionFactory;
                import io.pgconn.ServerRole;
                import io.pgconn.config.HostSpec;
                import io.pgconn.spi.HostObservations;
                import io.pgconn.spi.HostWatcher;
                import java.lang.invoke.MethodHandles;

                final class App implements HostWatcher {
                    static void probed(PgConnectionFactory factory, HostSpec host) {
                        HostObservations memory = factory.hostObservations(MethodHandles.lookup());
                        memory.up(host, ServerRole.PRIMARY);
                        memory.full(host, "too many connections");
                        memory.down(host, "connection refused");
                        memory.primaryTimeline(host, 2);
                        int closed = memory.closeConnections(host, "the server stopped answering").join();
                        factory.onHostUp(status -> { }).close();
                    }
                }
                """);
        assertThat(watcher).isEmpty();

        List<Diagnostic<? extends JavaFileObject>> onTheFactory = compileApp("""
                package app;

                import io.pgconn.PgConnectionFactory;
                import io.pgconn.ServerRole;
                import io.pgconn.config.HostSpec;

                public class App {
                    static void probed(PgConnectionFactory factory, HostSpec host) {
                        factory.reportHostUp(host, ServerRole.PRIMARY);
                        factory.closeConnections(host, "the server stopped answering");
                        factory.hostObservations().down(host, "connection refused");
                    }
                }
                """);
        assertThat(onTheFactory).extracting(d -> d.getMessage(Locale.ROOT))
                .anySatisfy(message -> assertThat(message).contains("cannot find symbol").contains("reportHostUp"))
                .anySatisfy(message -> assertThat(message).contains("cannot find symbol").contains("closeConnections"))
                .anySatisfy(message -> assertThat(message).contains("hostObservations").contains("cannot be applied"));
        assertThat(PgConnectionFactory.class.getMethods()).extracting(java.lang.reflect.Method::getName)
                .noneMatch(name -> name.startsWith("report") || name.equals("closeConnections"))
                .contains("onHostUp");
        assertThat(PgConnectionFactory.class.getMethods())
                .filteredOn(method -> method.getName().equals("hostObservations"))
                .singleElement().satisfies(method -> assertThat(method.getParameterTypes())
                        .as("only with the watcher's lookup").containsExactly(java.lang.invoke.MethodHandles.Lookup.class));
    }

    private List<Diagnostic<? extends JavaFileObject>> compileApp(String appSource) throws IOException {
        Path src = Files.createDirectories(work.resolve("src/app"));
        Files.writeString(work.resolve("src/module-info.java"), "module app { requires io.pgconn.core; }");
        Files.writeString(src.resolve("App.java"), appSource);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            // an empty class path: javac would otherwise take this JVM's, where the test classes live too
            List<String> options = List.of("--release", "17", "-d", work.resolve("out").toString(),
                    "--module-path", modulePath(), "--class-path", Files.createDirectories(work.resolve("empty")).toString());
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(work.resolve("src/module-info.java"), src.resolve("App.java"));
            compiler.getTask(null, files, diagnostics, options, null, units).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).collect(Collectors.toList());
    }

    /** The built core classes and the modules they require (Netty, SASLprep), taken from the test classpath. */
    private static String modulePath() {
        List<String> entries = new ArrayList<>();
        entries.add(ClassFileReferences.locationOf(PgConnection.class).toString());
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> {
                    String name = Path.of(entry).getFileName().toString();
                    return name.endsWith(".jar") && (name.startsWith("netty-") && !name.contains("native") && !name.contains("tcnative")
                            || name.startsWith("saslprep-") || name.startsWith("stringprep-"));
                })
                .forEach(entries::add);
        return String.join(File.pathSeparator, entries);
    }
}
