package io.pgconn.sample.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM is written by hand (it has no parent, so that importing it manages pgconn's artifacts and nothing
 * else); this guards it against drift: every module a user depends on is listed, at the reactor's version.
 */
class PgconnBomTest {

    private static final List<String> PUBLISHED =
            List.of("pgconn-core", "pgconn-r2dbc", "pgconn-spring-boot-starter", "pgconn-testkit");

    private static final Pattern MANAGED = Pattern.compile(
            "<groupId>io\\.pgconn</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>");

    @Test
    void theBomManagesEveryPublishedModuleAtTheReactorsVersion() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String reactorVersion = projectVersion(Files.readString(root.resolve("pom.xml")));
        String bom = Files.readString(root.resolve("pgconn-bom/pom.xml"));

        assertThat(projectVersion(bom)).as("pgconn-bom's own version").isEqualTo(reactorVersion);
        Map<String, String> managed = new LinkedHashMap<>();
        Matcher m = MANAGED.matcher(bom.substring(bom.indexOf("<dependencyManagement>")));
        while (m.find()) {
            managed.put(m.group(1), m.group(2));
        }
        assertThat(managed.keySet()).containsExactlyInAnyOrderElementsOf(PUBLISHED);
        assertThat(managed.values()).allSatisfy(v -> assertThat(v).isEqualTo(reactorVersion));
        assertThat(bom).as("a parent would leak its dependencyManagement into every import").doesNotContain("<parent>");
    }

    /** The first {@code <version>} after the project's own artifactId (the parent's, for a module with a parent). */
    private static String projectVersion(String pom) {
        String head = pom.substring(0, pom.indexOf("<dependencyManagement>") < 0 ? pom.length() : pom.indexOf("<dependencyManagement>"));
        Matcher m = Pattern.compile("<artifactId>pgconn-(?:parent|bom)</artifactId>\\s*<version>([^<]+)</version>").matcher(head);
        assertThat(m.find()).as("a pgconn-parent or pgconn-bom version in the pom").isTrue();
        return m.group(1);
    }
}
