package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code pg_service.conf}: lookup order, sections, errors. */
class ServiceFileTest {

    private static final String FILE = """
            # production
            [prod]
            host=db1,db2
            port=5433
            dbname=app
            sslmode=verify-full
            sslrootcert=/etc/ca.pem
            connect_timeout=3
            hostConnectTimeout=9s

            [other]
            bogus=ignored, not the wanted section
            """;

    @TempDir
    Path dir;

    @Test
    void serviceKeywordWithServicefile() throws IOException {
        Path file = Files.writeString(dir.resolve("svc.conf"), FILE);
        ConnConfig config = ConnConfig.parse("service=prod servicefile=" + file + " user=alice", EnvironmentSource.none());
        assertThat(config.hosts()).extracting(HostSpec::label).containsExactly("db1:5433", "db2:5433");
        assertThat(config.database()).isEqualTo("app");
        assertThat(config.user()).isEqualTo("alice");
        assertThat(config.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(config.sslRootCert()).isEqualTo("/etc/ca.pem");
        // within the section the first value of a setting wins, as in libpq
        assertThat(config.hostConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void explicitSettingsOverrideTheService() throws IOException {
        Path file = Files.writeString(dir.resolve("svc.conf"), FILE);
        ConnConfig config = ConnConfig.builder().service("prod").serviceFile(file).host("h").database("mine").build();
        assertThat(config.hosts()).extracting(HostSpec::label).containsExactly("h:5433");
        assertThat(config.database()).isEqualTo("mine");
    }

    @Test
    void pgServiceFileVariable() throws IOException {
        Path file = Files.writeString(dir.resolve("svc.conf"), FILE);
        ConnConfig config = ConnConfig.parse("service=prod", EnvironmentSource.of(Map.of("PGSERVICEFILE", file.toString())));
        assertThat(config.database()).isEqualTo("app");
    }

    @Test
    void homeServiceFile() throws IOException {
        Files.writeString(dir.resolve(".pg_service.conf"), FILE);
        ConnConfig config = ConnConfig.parse("service=prod", EnvironmentSource.of(Map.of("HOME", dir.toString())));
        assertThat(config.database()).isEqualTo("app");
    }

    @Test
    void systemServiceFileWhenTheUserFileLacksTheSection() throws IOException {
        Files.writeString(dir.resolve(".pg_service.conf"), "[unrelated]\ndbname=x\n");
        Path sysconf = Files.createDirectory(dir.resolve("etc"));
        Files.writeString(sysconf.resolve("pg_service.conf"), FILE);
        ConnConfig config = ConnConfig.parse("service=prod",
                EnvironmentSource.of(Map.of("HOME", dir.toString(), "PGSYSCONFDIR", sysconf.toString())));
        assertThat(config.database()).isEqualTo("app");
    }

    @Test
    void missingServiceNamesItAndTheFilesSearched() throws IOException {
        Path file = Files.writeString(dir.resolve("svc.conf"), FILE);
        Map<String, String> env = Map.of("PGSERVICEFILE", file.toString(), "PGSYSCONFDIR", dir.resolve("etc").toString());
        assertThatThrownBy(() -> ConnConfig.parse("service=nope", EnvironmentSource.of(env)))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("definition of service \"nope\" not found")
                .hasMessageContaining(file.toString())
                .hasMessageContaining(dir.resolve("etc").resolve("pg_service.conf").toString());
    }

    /** libpq 18: a named service file must exist; the system file is not searched instead. */
    @Test
    void aNamedServiceFileThatIsMissingIsAnError() throws IOException {
        Path sysconf = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(sysconf.resolve("pg_service.conf"), "[prod]\ndbname=app\n");
        Map<String, String> env = Map.of("PGSERVICEFILE", dir.resolve("nope.conf").toString(), "PGSYSCONFDIR", sysconf.toString());
        assertThatThrownBy(() -> ConnConfig.parse("service=prod", EnvironmentSource.of(env)))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("service file \"" + dir.resolve("nope.conf"));
        assertThatThrownBy(() -> ConnConfig.builder().service("prod").serviceFile(dir.resolve("nope.conf"))
                .environment(EnvironmentSource.of(Map.of("PGSYSCONFDIR", sysconf.toString()))).build())
                .isInstanceOf(PgConfigException.class).hasMessageContaining("not found");
        // without a named file, a missing ~/.pg_service.conf is fine: the system file answers
        assertThat(ConnConfig.parse("service=prod", EnvironmentSource.of(Map.of("HOME", dir.resolve("home").toString(),
                "PGSYSCONFDIR", sysconf.toString()))).database()).isEqualTo("app");
    }

    @Test
    void missingServiceViaPgService() {
        Map<String, String> env = Map.of("PGSERVICE", "ghost", "HOME", dir.toString());
        assertThatThrownBy(() -> ConnConfig.parse("", EnvironmentSource.of(env)))
                .hasMessageContaining("definition of service \"ghost\" not found")
                .hasMessageContaining(dir.resolve(".pg_service.conf").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown keyword | [s]\\nhost=h\\nbogus=1       | line 3: invalid connection option "bogus"
            no equals sign  | # c\\n[s]\\nhost               | line 3: expected keyword=value
            nested service  | [s]\\nservice=t              | line 2: nested service specifications are not supported
            blank before =  | [s]\\nhost = h               | line 2: invalid connection option "host "
            bad value       | [s]\\nsslmode=sometimes      | invalid sslmode value: "sometimes"
            """)
    void syntaxErrorsNameFileAndLine(String what, String content, String message) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.conf"), content.replace("\\n", "\n"));
        assertThatThrownBy(() -> ConnConfig.builder().service("s").serviceFile(file).build())
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void sectionEndsAtTheNextHeaderAndFirstSectionWins() {
        List<String> lines = List.of("[a]", "dbname=one", "[b]", "dbname=two", "[a]", "dbname=three", "user=u");
        assertThat(ServiceFile.parseSection(lines, "a", "f")).containsExactly(Map.entry("dbname", "one"));
        assertThat(ServiceFile.parseSection(lines, "b", "f")).containsExactly(Map.entry("dbname", "two"));
        assertThat(ServiceFile.parseSection(lines, "c", "f")).isNull();
        assertThat(ServiceFile.parseSection(List.of("[ab]", "dbname=x"), "a", "f")).isNull();
    }

    /** libpq strips a line with {@code isspace} in the C locale: a trailing U+3000 or U+001F is the value's (seen failing before: stripped). */
    @Test
    void linesAreStrippedOfLibpqsWhitespaceOnly() {
        List<String> lines = List.of("\t[a]\u000B", " dbname=one\u3000\f", "user=u\u001F");
        assertThat(ServiceFile.parseSection(lines, "a", "f"))
                .containsExactly(Map.entry("dbname", "one\u3000"), Map.entry("user", "u\u001F"));
    }

    /** libpq opens a section at "[name]" and ignores what follows the ']' (REVIEW-31 R31-2: "[prod] # primary" was not found). */
    @Test
    void aSectionHeaderIgnoresWhatFollowsItsBracket() {
        assertThat(ServiceFile.parseSection(List.of("[prod] # the primary", "dbname=app"), "prod", "f"))
                .containsExactly(Map.entry("dbname", "app"));
        assertThat(ServiceFile.parseSection(List.of("[prod]junk", "dbname=app"), "prod", "f"))
                .containsExactly(Map.entry("dbname", "app"));
        assertThat(ServiceFile.parseSection(List.of("[prod", "dbname=app"), "prod", "f")).isNull();
        assertThat(ServiceFile.parseSection(List.of("[ prod ]", "dbname=app"), "prod", "f")).isNull();
        assertThat(ServiceFile.parseSection(List.of("[prodx]", "dbname=app"), "prod", "f")).isNull();
    }

    /**
     * libpq reads the file as bytes: a Latin-1 comment or another section in Latin-1 changes nothing; pgconn read it
     * as UTF-8 and failed on the first such byte for every service (REVIEW-31 R31-5). A line of the wanted section
     * that is no UTF-8 is an error naming the file and line, never its text.
     */
    @Test
    void bytesThatAreNoUtf8MatterOnlyWhereTheyAreUsed() throws IOException {
        byte[] latin1 = "# Z\u00fcrich office\n[other]\nuser=M\u00fcller\n[x] # prod\nport=1\nhost=127.0.0.1\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("latin1.conf"), latin1);
        ConnConfig config = ConnConfig.builder().service("x").serviceFile(file).build();
        assertThat(config.hosts()).extracting(HostSpec::label).containsExactly("127.0.0.1:1");

        byte[] usedLine = "[x]\nhost=127.0.0.1\nuser=M\u00fcller\n".getBytes(StandardCharsets.ISO_8859_1);
        Path bad = Files.write(dir.resolve("used.conf"), usedLine);
        assertThatThrownBy(() -> ConnConfig.builder().service("x").serviceFile(bad).build())
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("service file \"" + bad + "\", line 3: not valid UTF-8")
                .hasMessageNotContaining("ller");
    }

    /**
     * What follows a header's {@code ]} is ignored, bytes that are no UTF-8 too: libpq compares only the name and the
     * {@code ]}; pgconn called such a header no header, and the service "not found" (REVIEW-32 R32-1).
     */
    @Test
    void aHeaderWhoseCommentIsNoUtf8StillOpensItsSection() throws IOException {
        byte[] latin1 = "[prod] # caf\u00e9 primary\nhost=127.0.0.1\nport=5433\n[pr\u00e9d]\nport=1\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("header.conf"), latin1);
        assertThat(ConnConfig.builder().service("prod").serviceFile(file).build().hosts()).extracting(HostSpec::label)
                .containsExactly("127.0.0.1:5433");
        assertThatThrownBy(() -> ConnConfig.builder().service("pr\u00e9d").serviceFile(file).build())
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("definition of service \"pr\u00e9d\" not found");
    }

    /** libpq reads requiressl in connection strings only: in a service file it is "syntax error" (libpq 18, R31-8). */
    @Test
    void requiresslIsNoServiceFileOption() throws IOException {
        Path file = Files.writeString(dir.resolve("rs.conf"), "[x]\nhost=h\nrequiressl=1\n");
        assertThatThrownBy(() -> ConnConfig.builder().service("x").serviceFile(file).build())
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("line 3: invalid connection option \"requiressl\"");
        assertThat(ConnConfig.parse("host=h requiressl=1", EnvironmentSource.none()).sslMode()).isEqualTo(SslMode.REQUIRE);
    }

    /**
     * Without PGSYSCONFDIR libpq reads its compiled-in SYSCONFDIR's file (Debian's libpq5: /etc/postgresql-common);
     * pgconn, which cannot know the build, looks in the common builds' directories in turn, and a service found nowhere
     * says so (REVIEW-31 R31-9: the system file was never read).
     */
    @Test
    void withoutPgSysConfDirTheCommonSystemDirectoriesAreSearched() throws IOException {
        Path debian = Files.createDirectories(dir.resolve("postgresql-common"));
        Path rpm = Files.createDirectories(dir.resolve("sysconfig-pgsql"));
        Files.writeString(rpm.resolve("pg_service.conf"), "[sys]\ndbname=from-rpm-dir\n");
        List<String> systemDirs = List.of(debian.toString(), rpm.toString());
        assertThat(ServiceFile.lookup("sys", null, dir.resolve("home"), null, systemDirs))
                .containsExactly(Map.entry("dbname", "from-rpm-dir"));
        Files.writeString(debian.resolve("pg_service.conf"), "[sys]\ndbname=from-debian-dir\n");
        assertThat(ServiceFile.lookup("sys", null, dir.resolve("home"), "", systemDirs))
                .containsExactly(Map.entry("dbname", "from-debian-dir"));
        // PGSYSCONFDIR names the one directory, as in libpq
        assertThatThrownBy(() -> ServiceFile.lookup("sys", null, dir.resolve("home"), dir.resolve("etc").toString(), systemDirs))
                .hasMessageContaining("definition of service \"sys\" not found")
                .hasMessageNotContaining(debian.toString());
        assertThatThrownBy(() -> ServiceFile.lookup("ghost", null, dir.resolve("home"), null, systemDirs))
                .hasMessageContaining(debian.resolve("pg_service.conf").toString())
                .hasMessageContaining(rpm.resolve("pg_service.conf").toString())
                .hasMessageContaining("PGSYSCONFDIR is unset");
        assertThat(ConnDefaults.SYSTEM_SERVICE_FILE_DIRS).startsWith("/etc/postgresql-common");
    }
}
