package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.testing.ClassFileReferences;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter runs on the classpath, where nothing stops a use of core's internals; this keeps it
 * on pgconn-core's exported API (issue 16), read from the compiled starter classes.
 */
class CoreApiUseTest {

    @Test
    void theStarterUsesOnlyPackagesCoreExports() throws IOException {
        Set<String> exported = ClassFileReferences.coreExports().keySet();
        Map<String, Set<String>> beyondTheApi = new TreeMap<>();
        ClassFileReferences.packageGraph(ClassFileReferences.classesOf(PgConnAutoConfiguration.class)).forEach((from, targets) -> {
            Set<String> core = new TreeSet<>(targets);
            // the starter's own packages, and pgconn-r2dbc (a module of its own), are not core's
            core.removeIf(to -> to.startsWith("io.pgconn.spring.") || to.startsWith("io.pgconn.r2dbc") || exported.contains(to));
            if (!core.isEmpty()) {
                beyondTheApi.put(from, core);
            }
        });

        assertThat(exported).contains("io.pgconn", "io.pgconn.config", "io.pgconn.trace");
        assertThat(beyondTheApi).as("starter package -> core packages it uses that core does not export").isEmpty();
    }
}
