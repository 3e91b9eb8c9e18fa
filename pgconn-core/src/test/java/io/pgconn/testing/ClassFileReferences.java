package io.pgconn.testing;

import io.pgconn.PgConnection;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which {@code io.pgconn} packages compiled classes refer to: every class name a class file
 * mentions (class constants, descriptors, signatures) is in its constant pool's UTF-8 entries, so
 * reading those finds every reference except constants the compiler inlined. Used by core's
 * package-graph check and by the modules that must use core's exported API only.
 */
public final class ClassFileReferences {

    private static final Pattern CLASS_NAME = Pattern.compile("(io/pgconn(?:/[a-z_][a-z0-9_]*)*)/[A-Z][A-Za-z0-9_$]*");

    private ClassFileReferences() {
    }

    /** Package of each class under {@code classes} → the other {@code io.pgconn} packages it refers to. */
    public static Map<String, Set<String>> packageGraph(Path classes) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class")).toList()) {
                String from = classes.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
                if (from.startsWith("META-INF")) {
                    continue;
                }
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

    /**
     * The root of the compiled classes {@code type} was loaded from: target/classes, or the root of
     * the jar when a later phase runs the tests against the packaged module.
     */
    public static Path classesOf(Class<?> type) {
        try {
            Path location = locationOf(type);
            if (Files.isDirectory(location)) {
                return location;
            }
            // left open: the file system is small and the test JVM ends soon
            return FileSystems.newFileSystem(location).getPath("/");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classes directory or jar {@code type} was loaded from, as a module path entry. */
    public static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** pgconn-core's compiled main classes. */
    public static Path coreClasses() {
        return classesOf(PgConnection.class);
    }

    /** The packages pgconn-core's module descriptor exports, with whether each export is qualified ({@code to ...}). */
    public static Map<String, Boolean> coreExports() throws IOException {
        Path descriptor = coreClasses().resolve("module-info.class");
        try (InputStream in = Files.newInputStream(descriptor)) {
            Map<String, Boolean> exports = new TreeMap<>();
            ModuleDescriptor.read(in).exports().forEach(e -> exports.put(e.source(), e.isQualified()));
            return exports;
        }
    }

    /** The UTF-8 entries of a class file's constant pool (JVMS §4.4). */
    static List<String> utf8Constants(Path classFile) throws IOException {
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
