package io.pgconn.config;

import io.pgconn.AuthMethod;
import io.pgconn.PgConfigException;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * libpq 16's <a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-REQUIRE-AUTH">require_auth</a>:
 * either a list of accepted methods ({@code scram-sha-256,none}) or a list of refused ones
 * ({@code !password,!md5}). {@code scram-sha-256} admits both SCRAM mechanisms;
 * {@code scram-sha-256-plus} (this project's extra value) only the channel-bound one.
 * {@code gss}, {@code sspi} and {@code oauth} are libpq's names for methods pgconn does not implement:
 * negated ({@code !gss}) they forbid nothing pgconn would use and are accepted, as libpq accepts them; a
 * list of only those ({@code gss}) could never be satisfied and is a configuration error. Method names
 * are spelled exactly as libpq spells them, without spaces ({@code PASSWORD} and {@code "password, md5"} are
 * refused, as libpq refuses them).
 */
public final class RequireAuth {

    /** require_auth unset: every method is acceptable. */
    public static final RequireAuth ANY = new RequireAuth("", EnumSet.allOf(AuthMethod.class));

    private final String spec;
    private final Set<AuthMethod> allowed;

    private RequireAuth(String spec, Set<AuthMethod> allowed) {
        this.spec = spec;
        this.allowed = Set.copyOf(allowed);
    }

    /** Parses a require_auth value; an empty or {@code null} value means {@link #ANY} (a blank one is refused, as in libpq). */
    public static RequireAuth parse(String value) {
        if (value == null || value.isEmpty()) {
            return ANY;
        }
        String[] entries = value.split(",", -1);
        Boolean negated = null;
        Set<AuthMethod> listed = EnumSet.noneOf(AuthMethod.class);
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : entries) {
            // libpq compares method names exactly: "PASSWORD" and " md5" are not methods
            String entry = raw;
            boolean neg = entry.startsWith("!");
            String name = neg ? entry.substring(1) : entry;
            if (negated != null && negated != neg) {
                throw invalid(value, "negated and non-negated methods cannot be mixed");
            }
            negated = neg;
            if (!seen.add(name)) {
                throw invalid(value, "method \"" + SafeText.excerpt(name) + "\" is listed more than once");
            }
            listed.addAll(methodsNamed(value, name));
        }
        if (!Boolean.TRUE.equals(negated) && listed.isEmpty()) {
            // only gss/sspi/oauth listed: no method pgconn speaks could ever satisfy it
            throw invalid(value, "pgconn has no GSSAPI, SSPI or OAuth authentication, so this can never be satisfied"
                    + " (list a method pgconn supports: none, password, md5, scram-sha-256, scram-sha-256-plus)");
        }
        Set<AuthMethod> allowed;
        if (Boolean.TRUE.equals(negated)) {
            allowed = EnumSet.complementOf(EnumSet.copyOf(listed));
        } else {
            allowed = EnumSet.copyOf(listed);
        }
        return new RequireAuth(value, allowed);
    }

    private static Set<AuthMethod> methodsNamed(String value, String name) {
        return switch (name) {
            case "none" -> EnumSet.of(AuthMethod.NONE);
            case "password" -> EnumSet.of(AuthMethod.PASSWORD);
            case "md5" -> EnumSet.of(AuthMethod.MD5);
            case "scram-sha-256" -> EnumSet.of(AuthMethod.SCRAM_SHA_256, AuthMethod.SCRAM_SHA_256_PLUS);
            case "scram-sha-256-plus" -> EnumSet.of(AuthMethod.SCRAM_SHA_256_PLUS);
            // libpq's Kerberos and OAuth methods: pgconn never authenticates this way, so "!gss" forbids
            // nothing (accepted, as libpq accepts it) and "gss" in a list adds nothing
            case "gss", "sspi", "oauth" -> EnumSet.noneOf(AuthMethod.class);
            case "" -> throw invalid(value, "empty method name");
            default -> throw invalid(value, "unknown method \"" + SafeText.excerpt(name)
                    + "\" (expected none, password, md5, scram-sha-256, scram-sha-256-plus, gss, sspi or oauth, optionally negated with !)");
        };
    }

    private static PgConfigException invalid(String value, String why) {
        return SafeText.settingError("require_auth", value, "invalid require_auth value \"" + SafeText.excerpt(value) + "\": " + why);
    }

    /** Whether the server may authenticate this way. */
    public boolean allows(AuthMethod method) {
        return allowed.contains(method);
    }

    /** Whether require_auth was set at all. */
    public boolean isSet() {
        return !spec.isEmpty();
    }

    /** The methods this policy admits. */
    public Set<AuthMethod> allowed() {
        return allowed;
    }

    /** The value as the user wrote it ({@code ""} when unset). */
    public String spec() {
        return spec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequireAuth other && other.allowed.equals(allowed) && other.spec.equals(spec);
    }

    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    @Override
    public String toString() {
        return isSet() ? "require_auth=" + spec : "require_auth=(any)";
    }
}
