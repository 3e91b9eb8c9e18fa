package io.pgconn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Comments that rely on a rule point at its section in the repository's specifications
 * ({@code docs/lifecycle.md §2.4}); this keeps every such pointer, in every module, aimed at a file and
 * a section that exist, and catches pointers at specifications that are not in the repository.
 */
class SpecReferencesTest {

    private static final Pattern POINTER = Pattern.compile("docs/(\\w+)\\.md §(\\d+(?:\\.\\d+)?[a-z]?)");
    /** The wording of pointers at the original specs, which lived outside the repository. */
    private static final Pattern OUTSIDE_POINTER = Pattern.compile("\\b(lifecycle|testing|starter) spec\\b");

    private final Path root = repositoryRoot();

    @Test
    void everyPointerNamesAnExistingSection() {
        List<String> broken = new ArrayList<>();
        for (Path file : sources()) {
            Matcher m = POINTER.matcher(read(file));
            while (m.find()) {
                Path doc = root.resolve("docs").resolve(m.group(1) + ".md");
                if (!Files.isRegularFile(doc) || !hasSection(read(doc), m.group(2))) {
                    broken.add(root.relativize(file) + ": " + m.group());
                }
            }
        }
        assertThat(broken).as("pointers at missing docs or sections").isEmpty();
    }

    @Test
    void noPointerAtASpecificationOutsideTheRepository() {
        List<String> outside = new ArrayList<>();
        for (Path file : sources()) {
            Matcher m = OUTSIDE_POINTER.matcher(read(file));
            while (m.find()) {
                outside.add(root.relativize(file) + ": " + m.group());
            }
        }
        assertThat(outside).as("write docs/<name>.md §x instead").isEmpty();
    }

    /** A heading that starts with the section number: {@code ## 2. ...}, {@code ### 2.4 ...}, {@code ## 3a. ...}. */
    private static boolean hasSection(String doc, String section) {
        return Pattern.compile("(?m)^#{2,4} " + Pattern.quote(section) + "\\.?\\s").matcher(doc).find();
    }

    private List<Path> sources() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !root.relativize(p).toString().contains("/target/"))
                    .filter(p -> !p.getFileName().toString().equals("SpecReferencesTest.java"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
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
