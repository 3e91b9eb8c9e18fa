package io.pgconn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code .pgpass}: wildcards, escapes, first match, socket hosts, permission check. */
class PgPassFileTest {

    @TempDir
    Path dir;

    static Stream<Arguments> lookups() {
        HostSpec db = HostSpec.of("db.example", 5432);
        return Stream.of(
                arguments(List.of("db.example:5432:app:alice:pw1"), db, "app", "alice", "pw1"),
                arguments(List.of("db.example:5433:app:alice:pw1"), db, "app", "alice", null),
                arguments(List.of("*:*:*:*:any"), db, "app", "alice", "any"),
                arguments(List.of("*:5432:*:alice:mine", "*:*:*:*:fallback"), db, "app", "alice", "mine"),
                arguments(List.of("*:*:*:*:first", "db.example:5432:app:alice:second"), db, "app", "alice", "first"),
                arguments(List.of("other:*:*:*:x", "db.example:*:app:*:y"), db, "app", "bob", "y"),
                arguments(List.of("# comment", "", "   ", "db.example:5432:app:alice:pw"), db, "app", "alice", "pw"),
                arguments(List.of("too:few:fields", "*:*:*:*:ok"), db, "app", "alice", "ok"),
                // libpq 18 (checked against it): the password ends at its first unescaped ':'
                arguments(List.of("*:*:*:*:pa:ss:word"), db, "app", "alice", "pa"),
                arguments(List.of("*:*:*:*:pa\\:ss\\:word"), db, "app", "alice", "pa:ss:word"),
                arguments(List.of("*:*:*:*:back\\\\slash\\:colon"), db, "app", "alice", "back\\slash:colon"),
                arguments(List.of("*:*:a\\:b:*:escaped-db"), db, "a:b", "alice", "escaped-db"),
                arguments(List.of("*:*:\\*:*:literal-star", "*:*:*:*:wild"), db, "app", "alice", "wild"),
                arguments(List.of("*:*:\\*:*:literal-star"), db, "*", "alice", "literal-star"),
                // libpq 18 compares character by character: an unescaped "::1" still matches host ::1
                arguments(List.of("::1:5432:*:*:yes"), HostSpec.of("::1", 5432), "app", "alice", "yes"),
                arguments(List.of("  #not:a:comment:*:x", "*:*:*:*:next"), db, "app", "alice", "next"),
                arguments(List.of("\\:\\:1:5432:*:*:v6"), HostSpec.of("::1", 5432), "app", "alice", "v6"),
                arguments(List.of("localhost:5432:*:*:sock"), HostSpec.of("/var/run/postgresql", 5432), "app", "alice",
                        "sock"),
                arguments(List.of("localhost:5432:*:*:sock"), HostSpec.of("/tmp", 5432), "app", "alice", "sock"),
                // libpq matches by the host as given, also when hostaddr makes the dial TCP (a socket host, as pp13 of LIBPQ-12)
                arguments(List.of("localhost:5432:*:*:sock"), new HostSpec("/tmp", "127.0.0.1", 5432), "app", "alice", "sock"),
                arguments(List.of("/srv/pg:5432:*:*:dir"), new HostSpec("/srv/pg", "127.0.0.1", 5432), "app", "alice", "dir"),
                arguments(List.of("localhost:5432:*:*:sock"), HostSpec.of("/srv/pg", 5432), "app", "alice", null),
                arguments(List.of("/srv/pg:5432:*:*:dir"), HostSpec.of("/srv/pg", 5432), "app", "alice", "dir"),
                arguments(List.of("10.0.0.7:5432:*:*:byaddr"), new HostSpec("10.0.0.7", "10.0.0.7", 5432), "app",
                        "alice", "byaddr"));
    }

    @ParameterizedTest(name = "{0} for {1} {2} {3}")
    @MethodSource("lookups")
    void findsFirstMatch(List<String> lines, HostSpec host, String db, String user, String expected) {
        assertThat(PgPassFile.parse(lines).find(host, db, user)).isEqualTo(expected);
    }

    @Test
    void toStringHidesPasswords() {
        assertThat(PgPassFile.parse(List.of("h:1:d:u:S3cr3t")).toString()).doesNotContain("S3cr3t").contains("***");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rwx---rwx"})
    void fileWithGroupOrWorldAccessIsIgnored(String perms) throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = write("*:*:*:*:pw", perms);
        assertThat(PgPassFile.read(file)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-------", "r--------"})
    void ownerOnlyFileIsRead(String perms) throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = write("*:*:*:*:pw", perms);
        assertThat(PgPassFile.read(file)).hasValueSatisfying(
                f -> assertThat(f.find(HostSpec.of("h", 5432), "d", "u")).isEqualTo("pw"));
    }

    /**
     * libpq {@code stat()}s the password file, so a symbolic link is judged by the file it points to (LIBPQ-14 pp22,
     * pp23): a link to an owner-only file is read (a Kubernetes secret volume mounts every file as such a link), a
     * link to a file that others may read is ignored. pgconn used to read the link's own permissions (always
     * {@code rwxrwxrwx} on Linux) and ignored every linked file.
     */
    @Test
    void aSymbolicLinkIsJudgedByTheFileItPointsTo() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path target = write("*:*:*:*:linked-pw", "rw-------");
        Path link = Files.createSymbolicLink(dir.resolve("pgpass-link"), target);
        assertThat(PgPassFile.read(link)).hasValueSatisfying(
                f -> assertThat(f.find(HostSpec.of("h", 5432), "d", "u")).isEqualTo("linked-pw"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PgPassFile.read(link)).isEmpty();
    }

    @Test
    void missingFileOrDirectoryIsIgnored() {
        assertThat(PgPassFile.read(dir.resolve("absent"))).isEmpty();
        assertThat(PgPassFile.read(dir)).isEmpty();
    }

    @Test
    void passwordForPrefersExplicitThenPassfile() throws IOException {
        Path file = write("db:5432:app:alice:from-file\n*:*:*:*:other", "rw-------");
        HostSpec host = HostSpec.of("db", 5432);
        ConnConfig fromFile = ConnConfig.builder().hosts(host).user("alice").database("app").passfile(file).build();
        assertThat(fromFile.passwordFor(host)).isEqualTo("from-file");
        assertThat(fromFile.passwordFor(HostSpec.of("db", 5433))).isEqualTo("other");
        assertThat(fromFile.toBuilder().password("explicit").build().passwordFor(host)).isEqualTo("explicit");
        assertThat(fromFile.toBuilder().passfile(dir.resolve("none")).build().passwordFor(host)).isNull();
    }

    @Test
    void passwordForUsesPgPassFileAndDatabaseDefault() throws IOException {
        Path file = write("*:*:alice:alice:db-defaults-to-user", "rw-------");
        ConnConfig config = ConnConfig.parse("user=alice", EnvironmentSource.of(Map.of("PGPASSFILE", file.toString())));
        assertThat(config.passwordFor(config.hosts().get(0))).isEqualTo("db-defaults-to-user");
    }

    @Test
    void defaultPassfileIsInHome() throws IOException {
        write("*:*:*:*:home-file", "rw-------");
        ConnConfig config = ConnConfig.parse("", EnvironmentSource.of(Map.of("HOME", dir.toString())));
        assertThat(config.passwordFor(config.hosts().get(0))).isEqualTo("home-file");
    }

    @Test
    void passwordForSocketDirectory() throws IOException {
        Path file = write("/srv/pg:5432:*:*:sock-pw", "rw-------");
        ConnConfig config = ConnConfig.parse("host=/srv/pg passfile=" + file, EnvironmentSource.none());
        assertThat(config.passwordFor(config.hosts().get(0))).isEqualTo("sock-pw");
    }

    /**
     * libpq reads the file as bytes: a Latin-1 comment changes nothing (REVIEW-31 R31-5: the whole file was ignored
     * with a MalformedInputException warning); a CRLF line ends as libpq strips it.
     */
    @Test
    void aLineThatIsNoUtf8DoesNotDisableTheFile() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = ownerOnlyLatin1("# M\u00fcller laptop\nother:*:*:*:x\r\n127.0.0.1:5432:*:*:s3cretpw\r\n");
        assertThat(PgPassFile.read(file)).hasValueSatisfying(
                f -> assertThat(f.find(HostSpec.of("127.0.0.1", 5432), "d", "u")).isEqualTo("s3cretpw"));
    }

    /** A matching line whose password is no UTF-8 gives no password (a Java password is text; a guess would be wrong). */
    @Test
    void aMatchingLineWhosePasswordIsNoUtf8GivesNone() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = ownerOnlyLatin1("h:5432:*:*:p\u00e4ss\n*:*:*:*:later\nok:*:*:*:fine:\u00e4\n");
        assertThat(PgPassFile.read(file)).hasValueSatisfying(f -> {
            assertThat(f.find(HostSpec.of("h", 5432), "d", "u")).isNull();
            // bad bytes after the password's end are ignored, as libpq ignores what follows it
            assertThat(f.find(HostSpec.of("ok", 5432), "d", "u")).isEqualTo("later");
        });
    }

    /** A password file of {@code content}'s Latin-1 bytes (not UTF-8), readable by its owner only. */
    private Path ownerOnlyLatin1(String content) throws IOException {
        Path file = Files.write(dir.resolve(".pgpass"), content.getBytes(StandardCharsets.ISO_8859_1));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Path write(String content, String perms) throws IOException {
        Path file = Files.writeString(dir.resolve(".pgpass"), content);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        }
        return file;
    }
}
