package io.pgconn;

import io.pgconn.testing.ClassFileReferences;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of the compiled main classes (issue 16, read by {@link ClassFileReferences}):
 * the exported packages import no internal one, and no cycle passes through an internal package.
 */
class PackageImportsTest {

    private static final String API = "(exported API)";

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

    static Map<String, Set<String>> packageGraph() throws IOException {
        return ClassFileReferences.packageGraph(mainClasses());
    }

    static Set<String> exportedPackages() throws IOException {
        Map<String, Boolean> exports = ClassFileReferences.coreExports();
        assertThat(exports).as("qualified exports").doesNotContainValue(true);
        return new TreeSet<>(exports.keySet());
    }

    static Path mainClasses() {
        return ClassFileReferences.coreClasses();
    }
}
