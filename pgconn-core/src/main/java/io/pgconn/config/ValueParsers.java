package io.pgconn.config;

import io.pgconn.PgConfigException;
import io.pgconn.ProtocolVersion;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text → typed value conversions for connection-string keywords, service-file entries and
 * environment variables. Every failure names the keyword (or variable), the value and what was
 * expected. None of these is used for secrets, so echoing the value is safe.
 */
final class ValueParsers {

    /** Converts one text value; {@code keyword} is what error messages call it. */
    @FunctionalInterface
    interface TextParser<T> {
        T parse(String keyword, String value);
    }

    private static final Pattern INTEGER = Pattern.compile("\\s*([+-]?\\d+)\\s*");
    private static final Pattern MICROSECONDS = Pattern.compile("\\s*(\\d+)\\s*(?:us|µs)\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d)?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\\s*",
            Pattern.CASE_INSENSITIVE);
    /** Linux's MAX_TCP_KEEPIDLE and MAX_TCP_KEEPINTVL. */
    private static final int MAX_KEEPALIVE_SECONDS = 32767;
    /** Linux's MAX_TCP_KEEPCNT. */
    private static final int MAX_KEEPALIVE_COUNT = 127;
    private static final List<String> TLS_VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private ValueParsers() {
    }

    static String text(String keyword, String value) {
        return value;
    }

    /** libpq's integer rule: optional sign, decimal digits, surrounding whitespace allowed. */
    static int integer(String keyword, String value) {
        Matcher m = INTEGER.matcher(value);
        if (m.matches()) {
            try {
                return Integer.parseInt(m.group(1));
            } catch (NumberFormatException tooLarge) {
                // fall through to the common message
            }
        }
        throw invalid(keyword, value, "a decimal integer");
    }

    static boolean bool(String keyword, String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "on", "yes" -> {
                return true;
            }
            case "0", "false", "off", "no" -> {
                return false;
            }
            default -> throw invalid(keyword, value, "1/0, true/false, on/off or yes/no");
        }
    }

    /** libpq's {@code keepalives}: an integer, zero for off and anything else for on (not true/false). */
    static boolean libpqKeepalives(String keyword, String value) {
        return integer(keyword, value) != 0;
    }

    /**
     * libpq's {@code sslsni}: SNI is sent only when the value starts with {@code 1}; any other text turns
     * it off, as libpq reads only that first character.
     */
    static boolean libpqSni(String keyword, String value) {
        return value.startsWith("1");
    }

    /**
     * libpq's {@code client_encoding}: pgconn decodes text as UTF-8 only, so it accepts the names the
     * server knows for UTF-8 (case and punctuation ignored, as the server ignores them), {@code auto}
     * (libpq's "the locale's", which for a JVM is UTF-8) and empty (unset). Any other encoding is refused
     * (docs/lifecycle.md §9): libpq would switch the session to it.
     */
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^A-Za-z0-9]");

    static String clientEncoding(String keyword, String value) {
        String name = NOT_LETTER_OR_DIGIT.matcher(value).replaceAll("").toLowerCase(Locale.ROOT);
        if (value.isEmpty() || "auto".equals(value) || "utf8".equals(name) || "unicode".equals(name)) {
            return value;
        }
        throw invalid(keyword, value, "UTF8 or auto: pgconn reads and writes text as UTF-8 only");
    }

    /**
     * libpq's {@code gssencmode}: {@code disable}, {@code prefer} or {@code require}. pgconn has no GSSAPI,
     * like a libpq built without it: {@code prefer} then means {@code disable}, and {@code require} is an
     * error with libpq's words.
     */
    static String gssEncMode(String keyword, String value) {
        return switch (value) {
            case "disable", "prefer" -> value;
            case "require" -> throw SafeText.settingError(keyword, value, keyword + " value \"require\" invalid: pgconn has no GSSAPI"
                    + " support (as libpq built without it); use disable or prefer");
            default -> throw invalid(keyword, value, "disable, prefer or require");
        };
    }

    /**
     * libpq's {@code connect_timeout}: whole seconds; zero or negative waits forever ({@link Duration#ZERO}).
     * libpq up to 17 raised 1 to 2 s because of its one-second timer; libpq 18 measures in
     * microseconds and keeps 1 s as 1 s, and so do we.
     */
    static Duration libpqTimeout(String keyword, String value) {
        int seconds = integer(keyword, value);
        return seconds <= 0 ? Duration.ZERO : Duration.ofSeconds(seconds);
    }

    /** libpq's {@code tcp_user_timeout}: milliseconds; a negative value means 0 (the system's default), as in libpq. */
    static int tcpUserTimeout(String keyword, String value) {
        return Math.max(0, integer(keyword, value));
    }

    /**
     * libpq's deprecated {@code requiressl}: a value starting with {@code 1} means {@code sslmode=require}, any
     * other (even empty) {@code sslmode=prefer}, as libpq translates it.
     */
    static SslMode requireSsl(String keyword, String value) {
        return value.startsWith("1") ? SslMode.REQUIRE : SslMode.PREFER;
    }

    /**
     * libpq's {@code keepalives_idle} and {@code keepalives_interval}: whole seconds from 1 to 32767. libpq hands
     * the number to setsockopt, and Linux refuses anything else (0 and negative values too), so libpq fails
     * to connect with them; pgconn refuses them here.
     */
    static Duration keepaliveSeconds(String keyword, String value) {
        return Duration.ofSeconds(inRange(keyword, value, 1, MAX_KEEPALIVE_SECONDS, "whole seconds"));
    }

    /** libpq's {@code keepalives_count}: 1 to 127 probes, what Linux accepts (see {@link #keepaliveSeconds}). */
    static int keepaliveCount(String keyword, String value) {
        return inRange(keyword, value, 1, MAX_KEEPALIVE_COUNT, "a probe count");
    }

    private static int inRange(String keyword, String value, int min, int max, String what) {
        int n = integer(keyword, value);
        if (n < min || n > max) {
            throw invalid(keyword, value, what + " from " + min + " to " + max + ", the range Linux accepts and libpq fails to"
                    + " connect outside of");
        }
        return n;
    }

    static int nonNegative(String keyword, String value) {
        int n = integer(keyword, value);
        if (n < 0) {
            throw invalid(keyword, value, "a non-negative integer");
        }
        return n;
    }

    /** This project's durations: whole seconds, a number with a unit (500ms, 5s, 2m, 1h, 1d) or ISO-8601 (PT5S). */
    static Duration duration(String keyword, String value) {
        Matcher m = DURATION.matcher(value);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            String trimmed = value.trim();
            if (!trimmed.isEmpty() && (trimmed.charAt(0) == 'P' || trimmed.charAt(0) == 'p')) {
                return Duration.parse(trimmed);
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            // fall through to the common message
        }
        throw invalid(keyword, value, "whole seconds, a number with unit ms/s/m/h/d (e.g. 500ms) or ISO-8601 (e.g. PT5S)");
    }

    /** A duration that may be given in microseconds ({@code 100us}), else as {@link #duration}. */
    static Duration shortDuration(String keyword, String value) {
        Matcher m = MICROSECONDS.matcher(value);
        if (m.matches()) {
            try {
                return Duration.ofNanos(Math.multiplyExact(Long.parseLong(m.group(1)), 1000L));
            } catch (NumberFormatException | ArithmeticException e) {
                throw invalid(keyword, value, "a number with unit us/ms/s (e.g. 100us) or ISO-8601 (e.g. PT0.0001S)");
            }
        }
        return duration(keyword, value);
    }

    /** A byte count, optionally with a binary unit: {@code 65536}, {@code 64kB}, {@code 1GiB}. */
    static int size(String keyword, String value) {
        Matcher m = SIZE.matcher(value);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
                int shift = switch (unit.charAt(0)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    default -> 0;
                };
                return Math.toIntExact(Math.multiplyExact(n, 1L << shift));
            } catch (NumberFormatException | ArithmeticException tooLarge) {
                // fall through to the common message
            }
        }
        throw invalid(keyword, value, "a byte count up to 2 GiB, optionally with unit kB/MB/GB (powers of 1024)");
    }

    /**
     * A TLS protocol name as libpq reads it: case-insensitive, but not trimmed ({@code "TLSv1.2 "} is refused,
     * as libpq refuses it); {@code ""} is kept and means "no bound".
     */
    static String tlsVersion(String keyword, String value) {
        if (value.isEmpty()) {
            return "";
        }
        for (String version : TLS_VERSIONS) {
            if (version.equalsIgnoreCase(value)) {
                return version;
            }
        }
        throw invalid(keyword, value, String.join(", ", TLS_VERSIONS));
    }

    /** Rank of a TLS protocol name for min ≤ max checks. */
    static int tlsVersionRank(String version) {
        return TLS_VERSIONS.indexOf(version);
    }

    /** A comma-separated list; blanks are dropped, so {@code ""} is the empty list. */
    static List<String> list(String keyword, String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return List.copyOf(items);
    }

    /**
     * libpq's {@code replication}: libpq passes the text to the server, which accepts {@code database}
     * (exactly so) or a boolean in its own spelling ({@link #serverBool}); false means not a replication
     * connection. What the server would refuse is refused here.
     */
    static String replication(String keyword, String value) {
        if (value.isEmpty()) {
            return ""; // libpq sends no replication parameter for an empty value
        }
        if ("database".equals(value)) {
            return "database";
        }
        Boolean on = serverBool(value);
        if (on == null) {
            throw invalid(keyword, value, "database, or a boolean as the server reads it (true/false/on/off/yes/no/1/0,"
                    + " any case, or a unique prefix such as t or of)");
        }
        return on ? "true" : "";
    }

    /**
     * PostgreSQL's {@code parse_bool}: {@code true}, {@code false}, {@code yes}, {@code no}, {@code on},
     * {@code off}, {@code 1}, {@code 0} in any case, or a prefix that names one of them alone ({@code t},
     * {@code of}; not {@code o}); no surrounding spaces. {@code null} when it is none of these.
     */
    static Boolean serverBool(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return null;
        }
        for (String word : List.of("true", "yes", "1")) {
            if (word.startsWith(v)) {
                return Boolean.TRUE;
            }
        }
        for (String word : List.of("false", "no", "0")) {
            if (word.startsWith(v)) {
                return Boolean.FALSE;
            }
        }
        if (v.length() >= 2 && "on".startsWith(v)) {
            return Boolean.TRUE;
        }
        if (v.length() >= 2 && "off".startsWith(v)) {
            return Boolean.FALSE;
        }
        return null;
    }

    /** {@code 3.0}, {@code 3.2} or {@code latest} ({@link ProtocolVersion#parse}), refused with a masked excerpt. */
    static ProtocolVersion protocolVersion(String keyword, String value) {
        try {
            return ProtocolVersion.parse(keyword, value);
        } catch (PgConfigException e) {
            throw invalid(keyword, value, "3.0, 3.2 or latest");
        }
    }

    static PgConfigException invalid(String keyword, String value, String expected) {
        return SafeText.settingError(keyword, value, "invalid " + keyword + " value: \"" + SafeText.excerpt(value) + "\" (expected " + expected + ")");
    }
}
