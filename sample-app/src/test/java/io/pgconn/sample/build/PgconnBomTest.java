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

    /** An offline build of the BOM alone needs the plugin versions the rest of the build has. */
    @Test
    void theBomPinsItsLifecyclePluginsAtTheParentsVersions() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String parent = Files.readString(root.resolve("pom.xml"));
        String bom = Files.readString(root.resolve("pgconn-bom/pom.xml"));
        for (String plugin : List.of("maven-clean-plugin", "maven-install-plugin", "maven-deploy-plugin")) {
            Matcher inParent = Pattern.compile("<" + plugin + "\\.version>([^<]+)</").matcher(parent);
            assertThat(inParent.find()).as(plugin + " in the parent's properties").isTrue();
            Matcher inBom = Pattern.compile("<artifactId>" + plugin + "</artifactId>\\s*<version>([^<]+)</version>").matcher(bom);
            assertThat(inBom.find()).as(plugin + " pinned in pgconn-bom").isTrue();
            assertThat(inBom.group(1)).as(plugin).isEqualTo(inParent.group(1));
        }
    }

    /** The first {@code <version>} after the project's own artifactId (the parent's, for a module with a parent). */
    private static String projectVersion(String pom) {
        String head = pom.substring(0, pom.indexOf("<dependencyManagement>") < 0 ? pom.length() : pom.indexOf("<dependencyManagement>"));
        Matcher m = Pattern.compile("<artifactId>pgconn-(?:parent|bom)</artifactId>\\s*<version>([^<]+)</version>").matcher(head);
        assertThat(m.find()).as("a pgconn-parent or pgconn-bom version in the pom").isTrue();
        return m.group(1);
    }
}
