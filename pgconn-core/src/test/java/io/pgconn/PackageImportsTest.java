package io.pgconn;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of the compiled main classes (issue 16): the exported packages import no
 * internal one, and no packages form a cycle. Reads every class name a class file mentions (class
 * constants, descriptors, signatures: all live in its constant pool's UTF-8 entries), so what the
 * compiler inlined away (constants) is the only thing it cannot see.
 */
class PackageImportsTest {

    private static final String API = "(exported API)";
    private static final Pattern CLASS_NAME = Pattern.compile("(io/pgconn(?:/[a-z_][a-z0-9_]*)*)/[A-Z][A-Za-z0-9_$]*");

    @Test
    void exportedPackagesImportNoInternalPackage() throws IOException {
        Map<String, Set<String>> graph = packageGraph();
        Set<String> exported = exportedPackages();

        assertThat(exported).contains("io.pgconn", "io.pgconn.config", "io.pgconn.trace", "io.pgconn.notify");
        Map<String, Set<String>> offending = new TreeMap<>();
        for (String api : exported) {
            for (String target : graph.getOrDefault(api, Set.of())) {
                if (!exported.contains(target)) {
                    offending.computeIfAbsent(api, k -> new TreeSet<>()).add(target);
                }
            }
        }
        assertThat(offending).as("API package -> non-exported packages it uses").isEmpty();
    }

    @Test
    void everyOtherPackageIsInternal() throws IOException {
        Set<String> exported = exportedPackages();
        assertThat(packageGraph().keySet()).allMatch(p -> exported.contains(p) || p.equals("io.pgconn.internal")
                || p.startsWith("io.pgconn.internal."));
    }

    /**
     * The exported packages count as one node, the API: they refer to each other by design
     * ({@code PgConnection} returns a {@code HostSpec}, {@code ConnConfig} throws
     * {@code PgConfigException}) and are released together. A cycle that passes through an internal
     * package is what must not exist: the API and internals would then change together.
     */
    @Test
    void internalPackagesFormNoCycleWithEachOtherOrTheApi() throws IOException {
        Set<String> exported = exportedPackages();
        Map<String, Set<String>> collapsed = new TreeMap<>();
        packageGraph().forEach((from, targets) -> {
            Set<String> into = collapsed.computeIfAbsent(exported.contains(from) ? API : from, k -> new TreeSet<>());
            targets.stream().map(to -> exported.contains(to) ? API : to).filter(to -> !to.equals(exported.contains(from) ? API : from))
                    .forEach(into::add);
        });

        assertThat(cycles(collapsed)).isEmpty();
    }

    @Test
    void theCycleCheckFindsACycle() {
        assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"))))
                .containsExactly(Set.of("a", "b", "c"));
    }

    /** Strongly connected components of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        List<Set<String>> result = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        int[] counter = {0};
        for (String node : new TreeSet<>(graph.keySet())) {
            if (!index.containsKey(node)) {
                strongConnect(node, graph, index, low, stack, onStack, counter, result);
            }
        }
        return result;
    }

    private static void strongConnect(String node, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                      Deque<String> stack, Set<String> onStack, int[] counter, List<Set<String>> result) {
        index.put(node, counter[0]);
        low.put(node, counter[0]++);
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                strongConnect(next, graph, index, low, stack, onStack, counter, result);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                result.add(component);
            }
        }
    }

    /** package → the other io.pgconn packages its classes mention. */
    static Map<String, Set<String>> packageGraph() throws IOException {
        Path classes = mainClasses();
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class")).toList()) {
                String from = classes.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
                Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String utf8 : utf8Constants(file)) {
                    Matcher m = CLASS_NAME.matcher(utf8);
                    while (m.find()) {
                        String to = m.group(1).replace('/', '.');
                        if (!to.equals(from)) {
                            targets.add(to);
                        }
                    }
                }
            }
        }
        return graph;
    }

    static Set<String> exportedPackages() throws IOException {
        try (InputStream in = Files.newInputStream(mainClasses().resolve("module-info.class"))) {
            Set<String> exported = new TreeSet<>();
            ModuleDescriptor.read(in).exports().forEach(e -> {
                assertThat(e.isQualified()).as("qualified export of " + e.source()).isFalse();
                exported.add(e.source());
            });
            return exported;
        }
    }

    static Path mainClasses() {
        try {
            Path location = Path.of(PgConnection.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            assertThat(location).isDirectory(); // target/classes: the unit tests run before packaging
            return location;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The UTF-8 entries of a class file's constant pool (JVMS §4.4). */
    private static List<String> utf8Constants(Path classFile) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(classFile))) {
            in.readInt(); // magic
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            List<String> strings = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> strings.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                    case 15 -> in.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++; // a long or double takes two entries
                    }
                    default -> throw new IOException(classFile + ": unknown constant pool tag " + tag);
                }
            }
            return strings;
        }
    }
}
