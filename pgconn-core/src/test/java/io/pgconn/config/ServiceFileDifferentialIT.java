package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test against the real libpq for {@code pg_service.conf}: a few hundred service files (hand-written
 * forms and seeded mutations: header forms, spacing around keys and values, comments, CRLF, duplicate sections and
 * keys, unknown and nested keywords, values that libpq refuses, bytes that are no UTF-8 in a comment, a value or
 * after a header's {@code ]}), found through
 * {@code PGSERVICEFILE}, {@code ~/.pg_service.conf} or {@code PGSYSCONFDIR}, with the service named by the connection
 * string or {@code PGSERVICE} and other settings given explicitly or by {@code PG*} variables. libpq 18 reads each case
 * through {@code PQconnectStart} ({@code src/test/c/service_verdict.c}, which reports what {@code PQconninfo} holds
 * after the service file and the environment were applied) and pgconn through {@link ConnConfig#parse(String,
 * EnvironmentSource)}. Both must accept or both refuse; when both accept, the settings below must match. The
 * differences pgconn makes on purpose are in {@link Known}, each naming its row of docs/lifecycle.md §9, and each must
 * still occur in the corpus.
 */
class ServiceFileDifferentialIT {

    /** The settings compared when both accept: libpq's keyword and pgconn's reading of it as libpq's text. */
    private static final List<String> COMPARED = List.of("host", "port", "user", "dbname", "password", "application_name",
            "options", "sslmode", "target_session_attrs");
    private static final String PASSWORD = "s3cret-pw-1";
    private static final int SEED = 32;
    private static final int GENERATED = 700;
    private static final java.util.regex.Pattern LINE_NUMBER = java.util.regex.Pattern.compile("line (\\d+)");

    /** Keyword lines both read; one of them set in a section decides what the case compares. */
    private static final List<String> VALUE_LINES = List.of("host=192.0.2.7", "host=192.0.2.7,192.0.2.8", "port=6001",
            "port=6001,6002", "user=svc_user", "dbname=svc db", "password=" + PASSWORD, "application_name=svc app",
            "options=-c search_path=s", "sslmode=disable", "sslmode=require", "target_session_attrs=read-write",
            "target_session_attrs=standby", "hostaddr=192.0.2.9", "user=a=b", "user=", "application_name=x # no comment",
            "user= spaced", "  user=indented", "\tuser=tabbed", "user=trailing  ", "user=svc_user2");
    /** Lines one of the two refuses or reads otherwise, or that libpq refuses for its value. */
    private static final List<String> ODD_LINES = List.of("host =192.0.2.7", "nokeyline", "=novalue", "unknownkey=1",
            "requiressl=1", "service=nested", "connectTimeout=3", "USER=upper", "sslmode=bogus",
            "target_session_attrs=primaryy", "load_balance_hosts=sometimes", "servicefile=/nonexistent", " = ", "user",
            "port=6001,6002,6003");
    private static final List<String> COMMENT_LINES = List.of("# a comment", "   # indented comment", "", "   ", "#[alpha]");
    private static final List<String> HEADERS = List.of("[%s]", "[%s] # primary", "  [%s]", "[%s]trailing", "[ %s ]", "[%s",
            "[%s]]", "\t[%s]", "[%s] # caf\u00e9");
    private static final List<String> NAMES = List.of("alpha", "beta", "Alpha");
    private static final List<String> ASKED = List.of("alpha", "beta", "missing", "", "Alpha");

    /** One side's answer: the compared settings, or the first line of the error. */
    record Verdict(Map<String, String> values, String error) {
        boolean ok() {
            return error == null;
        }

        @Override
        public String toString() {
            return ok() ? "accepts " + values : "refuses: " + error;
        }
    }

    /** A case: the service file(s) written, the connection string and the environment both sides read. */
    record Case(String text, String conninfo, Map<String, String> env, List<String> fileLines) {
        /** The file's line {@code n} (1-based) that an error message names ("..., line 6"), or "" when it names none. */
        String lineNamedIn(String message) {
            java.util.regex.Matcher m = LINE_NUMBER.matcher(message);
            int n = m.find() ? Integer.parseInt(m.group(1)) : 0;
            return n >= 1 && n <= fileLines.size() ? fileLines.get(n - 1) : "";
        }
    }

    /** The differences pgconn makes on purpose (docs/lifecycle.md §9), recognised from the case and both answers. */
    enum Known {
        /** §9 "this project's camelCase keywords (connectTimeout, …) in a service file": read, where libpq refuses them. */
        CAMEL_CASE_KEYWORD((c, libpq, pgconn) -> !libpq.ok() && libpq.error().startsWith("syntax error in service file")
                && c.lineNamedIn(libpq.error()).trim().startsWith("connectTimeout=")),
        /** §6 and §9 "a line that is no UTF-8 in the wanted section": an error naming the file and line; libpq passes the bytes on. */
        NOT_UTF8_IN_WANTED_SECTION((c, libpq, pgconn) -> !pgconn.ok() && pgconn.error().contains("UTF-8")
                && c.lineNamedIn(pgconn.error()).indexOf('\u00e9') >= 0);

        private final Rule rule;

        Known(Rule rule) {
            this.rule = rule;
        }

        interface Rule {
            boolean matches(Case c, Verdict libpq, Verdict pgconn);
        }
    }

    @Test
    void pgconnReadsServiceFilesAsLibpqDoes(@TempDir Path dir) throws Exception {
        Path exe = LibpqPrograms.compile("service_verdict", dir);
        List<Case> cases = cases(dir);
        List<String> lines = cases.stream().map(ServiceFileDifferentialIT::caseLine).toList();
        List<String> answers = LibpqPrograms.ask(exe, lines);

        List<String> mismatches = new ArrayList<>();
        Map<Known, Integer> known = new EnumMap<>(Known.class);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Verdict theirs = libpq(answers.get(i));
            Verdict ours = pgconn(c);
            if (theirs.ok() && ours.ok()) {
                ours = new Verdict(comparable(ours.values(), theirs.values(), false), null);
                theirs = new Verdict(comparable(theirs.values(), theirs.values(), true), null);
            }
            if (ours.ok() == theirs.ok() && (!ours.ok() || ours.values().equals(theirs.values()))) {
                if (ours.ok()) {
                    accepted++;
                } else {
                    refused++;
                    if (ours.error().contains(PASSWORD)) {
                        mismatches.add(c.text() + "\n    the error quotes the password: " + ours.error());
                    }
                }
                continue;
            }
            Known difference = null;
            for (Known k : Known.values()) {
                if (k.rule.matches(c, theirs, ours)) {
                    difference = k;
                    break;
                }
            }
            if (difference != null) {
                known.merge(difference, 1, Integer::sum);
            } else {
                mismatches.add(c.text() + "\n    libpq:  " + theirs + "\n    pgconn: " + ours);
            }
        }
        System.out.printf("ServiceFileDifferentialIT: %d cases, %d accepted alike, %d refused by both, known differences %s,"
                + " mismatches %d%n", cases.size(), accepted, refused, known, mismatches.size());
        assertThat(mismatches).as("service files pgconn reads otherwise than libpq 18 (not a difference listed in Known)").isEmpty();
        for (Known k : Known.values()) {
            assertThat(known.getOrDefault(k, 0)).as("the corpus still shows the known difference %s", k).isPositive();
        }
        assertThat(accepted).as("cases both accept").isGreaterThan(cases.size() / 4);
        assertThat(refused).as("cases both refuse").isGreaterThan(cases.size() / 10);
    }

    /** pgconn's reading of a case, as libpq's text of each compared setting. */
    private static Verdict pgconn(Case c) {
        ConnConfig config;
        try {
            config = ConnConfig.parse(c.conninfo(), EnvironmentSource.of(c.env()));
        } catch (PgConfigException e) {
            return new Verdict(Map.of(), firstLine(e.getMessage()));
        }
        Map<String, String> values = new TreeMap<>();
        List<HostSpec> hosts = config.hosts();
        values.put("host", String.join(",", hosts.stream().map(HostSpec::host).toList()));
        values.put("port", String.join(",", hosts.stream().map(h -> String.valueOf(h.port())).toList()));
        values.put("user", config.user());
        values.put("dbname", config.database());
        values.put("password", config.password());
        values.put("application_name", config.applicationName());
        values.put("options", config.options());
        values.put("sslmode", config.sslMode().libpqName());
        values.put("target_session_attrs", config.targetSessionAttrs().libpqName());
        return new Verdict(values, null);
    }

    /**
     * libpq's answer as the compared settings. A host list is compared only when libpq holds one and no hostaddr
     * (pgconn's default host differs, §9), its ports spread over the hosts as libpq spreads a single one; an empty
     * value reads as the default, as a missing one does.
     */
    private static Verdict libpq(String answer) {
        String[] f = answer.split("\t", -1);
        if (f[0].equals("REFUSED")) {
            return new Verdict(Map.of(), f.length > 1 ? new String(LibpqPrograms.unhex(f[1]), StandardCharsets.UTF_8) : "");
        }
        assertThat(f[0]).isEqualTo("ACCEPTED");
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 1; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            all.put(f[i].substring(0, eq), new String(LibpqPrograms.unhex(f[i].substring(eq + 1)), StandardCharsets.UTF_8));
        }
        Map<String, String> values = new TreeMap<>();
        for (String keyword : COMPARED) {
            String value = all.get(keyword);
            values.put(keyword, value == null || value.isEmpty() ? null : value);
        }
        values.put("hostaddr", all.get("hostaddr") == null || all.get("hostaddr").isEmpty() ? null : all.get("hostaddr"));
        values.putIfAbsent("sslmode", "prefer");
        values.putIfAbsent("target_session_attrs", "any");
        return new Verdict(values, null);
    }

    /**
     * Both readings made comparable: hosts and ports only where libpq holds a host list and no hostaddr (pgconn's
     * default host differs, §9), libpq's ports spread over its hosts as libpq spreads them (one port for every host,
     * an empty or missing one 5432).
     */
    private static Map<String, String> comparable(Map<String, String> values, Map<String, String> libpqValues, boolean libpqs) {
        Map<String, String> out = new TreeMap<>(values);
        out.remove("hostaddr");
        String hosts = libpqValues.get("host");
        if (hosts == null || libpqValues.get("hostaddr") != null) {
            out.remove("host");
            out.remove("port");
        } else if (libpqs) {
            int count = hosts.split(",", -1).length;
            String[] given = String.valueOf(values.get("port") == null ? "" : values.get("port")).split(",", -1);
            List<String> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String port = given.length == 1 ? given[0] : i < given.length ? given[i] : "";
                ports.add(port.isEmpty() ? "5432" : port);
            }
            out.put("port", String.join(",", ports));
        }
        return out;
    }

    private static List<Case> cases(Path dir) throws Exception {
        List<Case> cases = new ArrayList<>();
        Random random = new Random(SEED);
        for (int i = 0; i < GENERATED; i++) {
            cases.add(generated(dir.resolve("case-" + i), random));
        }
        return cases;
    }

    /** One seeded case: a file of one to three sections of mutated lines, where it is looked for, what asks for it. */
    private static Case generated(Path caseDir, Random random) throws Exception {
        Files.createDirectories(caseDir);
        boolean crlf = random.nextInt(8) == 0;
        String asked = ASKED.get(random.nextInt(ASKED.size()));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int sections = 1 + random.nextInt(3);
        if (random.nextInt(6) == 0) {
            line(file, lines, COMMENT_LINES.get(random.nextInt(COMMENT_LINES.size())), crlf, false);
        }
        for (int s = 0; s < sections; s++) {
            String name = s == 0 && random.nextBoolean() ? asked : NAMES.get(random.nextInt(NAMES.size()));
            String header = random.nextInt(3) == 0 ? HEADERS.get(random.nextInt(HEADERS.size())) : "[%s]";
            String headerLine = String.format(header, name);
            line(file, lines, headerLine, crlf, headerLine.indexOf('\u00e9') >= 0); // the comment after ']' in Latin-1
            int count = 1 + random.nextInt(5);
            for (int l = 0; l < count; l++) {
                int kind = random.nextInt(10);
                String text = kind < 7 ? VALUE_LINES.get(random.nextInt(VALUE_LINES.size()))
                        : kind < 8 ? ODD_LINES.get(random.nextInt(ODD_LINES.size()))
                        : COMMENT_LINES.get(random.nextInt(COMMENT_LINES.size()));
                boolean latin1 = random.nextInt(25) == 0;
                if (latin1) {
                    text = random.nextBoolean() ? "# caf\u00e9" : "application_name=caf\u00e9";
                }
                line(file, lines, text, crlf, latin1);
            }
        }
        Map<String, String> env = new TreeMap<>();
        env.put("HOME", caseDir.toString());
        Path sysConfDir = caseDir.resolve("sysconf");
        Files.createDirectories(sysConfDir);
        env.put("PGSYSCONFDIR", sysConfDir.toString());
        String where = switch (random.nextInt(5)) {
            case 0 -> "HOME";
            case 1 -> "PGSYSCONFDIR";
            case 2 -> "missing PGSERVICEFILE";
            default -> "PGSERVICEFILE";
        };
        byte[] bytes = file.toByteArray();
        switch (where) {
            case "HOME" -> Files.write(caseDir.resolve(".pg_service.conf"), bytes);
            case "PGSYSCONFDIR" -> Files.write(sysConfDir.resolve("pg_service.conf"), bytes);
            case "missing PGSERVICEFILE" -> env.put("PGSERVICEFILE", caseDir.resolve("absent.conf").toString());
            default -> {
                Path f = caseDir.resolve("services.conf");
                Files.write(f, bytes);
                env.put("PGSERVICEFILE", f.toString());
            }
        }
        String conninfo = switch (random.nextInt(6)) {
            case 0 -> {
                env.put("PGSERVICE", asked);
                yield "";
            }
            case 1 -> "service=" + quoted(asked) + " user=explicit_user";
            case 2 -> "service=" + quoted(asked) + " host=192.0.2.50 port=7001";
            case 3 -> "service=" + quoted(asked) + " sslmode=disable";
            default -> "service=" + quoted(asked);
        };
        if (random.nextInt(4) == 0) {
            env.put("PGUSER", "env_user");
        }
        if (random.nextInt(6) == 0) {
            env.put("PGSSLMODE", "require");
        }
        if (random.nextInt(8) == 0) {
            env.put("PGHOST", "192.0.2.60");
        }
        String text = "case " + caseDir.getFileName() + ": conninfo [" + conninfo + "] env " + env + ", file (" + where + ", "
                + (crlf ? "CRLF" : "LF") + "):\n" + String.join("\n", lines.stream().map(l -> "      |" + l.replace("\t", "{TAB}")).toList());
        return new Case(text, conninfo, Collections.unmodifiableMap(env), List.copyOf(lines));
    }

    private static void line(ByteArrayOutputStream file, List<String> lines, String text, boolean crlf, boolean latin1) {
        lines.add(text);
        file.writeBytes(text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        file.writeBytes((crlf ? "\r\n" : "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static String quoted(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String caseLine(Case c) {
        StringBuilder line = new StringBuilder(LibpqPrograms.hex(c.conninfo().getBytes(StandardCharsets.UTF_8)));
        c.env().forEach((k, v) -> line.append('\t').append(LibpqPrograms.hex((k + "=" + v).getBytes(StandardCharsets.UTF_8))));
        return line.toString();
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
