package io.pgconn.spring.boot.autoconfigure.recipe;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The testing recipe the docs quote (docs/testing.md §5, the starter README's "Testing") is
 * {@link TestkitSpringBootTestIT} as the build runs it, from its first annotation to its end: a
 * change to either side without the other fails here, so the docs cannot drift from a recipe that works.
 */
class TestingRecipeDocsTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

    private final Path root = repositoryRoot();

    @Test
    void testingMdQuotesTheRecipeAsItRuns() {
        assertThat(quotedRecipe(section(read(this.root.resolve("docs/testing.md")), "## 5. ")))
                .isEqualTo(recipe());
    }

    @Test
    void theStarterReadmeQuotesTheRecipeAsItRuns() {
        assertThat(quotedRecipe(section(read(this.root.resolve("pgconn-spring-boot-starter/README.md")), "## Testing")))
                .isEqualTo(recipe());
    }

    /** The IT from its first annotation on, each line stripped, blank lines left out. */
    private List<String> recipe() {
        String source = read(this.root.resolve("pgconn-spring-boot-starter/src/test/java/"
                + TestkitSpringBootTestIT.class.getName().replace('.', '/') + ".java"));
        return lines(source.substring(source.indexOf("\n@SpringBootTest") + 1));
    }

    /** The first Java block of {@code section} that starts a test class, as {@link #lines}. */
    private static List<String> quotedRecipe(String section) {
        Matcher block = JAVA_BLOCK.matcher(section);
        while (block.find()) {
            if (block.group(1).startsWith("@SpringBootTest")) {
                return lines(block.group(1));
            }
        }
        throw new AssertionError("no ```java block starting with @SpringBootTest in:\n" + section);
    }

    /** From the heading starting with {@code heading} to the next heading of level 2. */
    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading);
        assertThat(start).as("a section '" + heading + "'").isNotNegative();
        int end = markdown.indexOf("\n## ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    private static List<String> lines(String code) {
        return code.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire runs in the module's directory; the repository root is the first parent with docs/. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("a parent directory with docs/").isNotNull();
        return dir;
    }
}
