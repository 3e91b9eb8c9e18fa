package io.pgconn.config;

import io.pgconn.ProtocolVersion;
import io.pgconn.config.Keywords.Binding;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link ConnConfig} from explicit settings with libpq's precedence: explicit (builder or
 * connection string) &gt; service file &gt; environment &gt; defaults, decided per setting. Then
 * derives the defaults that depend on other values, and validates.
 */
final class ConnConfigResolver {

    /** {@code PG*} variable → the server setting libpq sends it as, in libpq's order. */
    private static final Map<String, String> ENVIRONMENT_PARAMETERS = orderedPairs("PGTZ", "timezone", "PGGEQO", "geqo");

    private ConnConfigResolver() {
    }

    static ConnConfig resolve(SettingValues explicit, EnvironmentSource env) {
        SettingValues given = new SettingValues(explicit);
        applyService(given, env);
        applyEnvironment(given, env);

        SettingValues resolved = new SettingValues(given);
        resolved.put(Setting.SERVICE_APPLIED, null);
        resolved.put(Setting.HOSTS, hosts(given));
        String user = nonEmpty(given.get(Setting.USER));
        resolved.put(Setting.USER, user != null ? user : System.getProperty("user.name"));
        String database = nonEmpty(given.get(Setting.DBNAME));
        resolved.put(Setting.DBNAME, database != null ? database : resolved.get(Setting.USER));
        if (!given.has(Setting.SSL_MODE)) {
            // libpq: trusting the system's CAs only makes sense with a host-name check
            resolved.put(Setting.SSL_MODE, "system".equals(given.get(Setting.SSL_ROOT_CERT))
                    ? ConnDefaults.SSL_MODE_WITH_SYSTEM_ROOT : ConnDefaults.SSL_MODE);
        }
        String minTls = nonEmpty(given.get(Setting.SSL_MIN_PROTOCOL_VERSION));
        resolved.put(Setting.SSL_MIN_PROTOCOL_VERSION, minTls != null ? minTls : ConnDefaults.SSL_MIN_PROTOCOL_VERSION);
        // an explicitly empty value means "default" when read (libpq); store it as absent
        for (Setting<String> s : List.of(Setting.PASSWORD, Setting.PASSFILE, Setting.APPLICATION_NAME, Setting.OPTIONS,
                Setting.FALLBACK_APPLICATION_NAME, Setting.CLIENT_ENCODING, Setting.SSL_CRL, Setting.SSL_CRL_DIR, Setting.REQUIRE_PEER,
                Setting.REPLICATION, Setting.SSL_ROOT_CERT, Setting.SSL_CERT, Setting.SSL_KEY, Setting.SSL_PASSWORD,
                Setting.SSL_MAX_PROTOCOL_VERSION, Setting.SERVICE, Setting.SERVICEFILE, Setting.HOST, Setting.HOSTADDR,
                Setting.PORT)) {
            resolved.put(s, nonEmpty(resolved.get(s)));
        }
        // libpq 18 sends "appname ? appname : fbappname": application_name set at all (keyword, service file or
        // PGAPPNAME), even empty, wins over fallback_application_name; empty sends none (LIBPQ-12 ev15)
        if (!given.has(Setting.APPLICATION_NAME)) {
            resolved.put(Setting.APPLICATION_NAME, nonEmpty(given.get(Setting.FALLBACK_APPLICATION_NAME)));
        }
        // libpq 18: without max_protocol_version the maximum is 3.0, unless min_protocol_version asks for more
        if (!given.has(Setting.MAX_PROTOCOL_VERSION)
                && resolved.getOrDefault(Setting.MIN_PROTOCOL_VERSION).compareTo(ConnDefaults.MAX_PROTOCOL_VERSION) > 0) {
            resolved.put(Setting.MAX_PROTOCOL_VERSION, ProtocolVersion.LATEST);
        }
        resolved.put(Setting.STARTUP_PARAMETERS, withEnvironmentParameters(resolved.getOrDefault(Setting.STARTUP_PARAMETERS), env));
        ConnConfigValidator.validate(resolved, given.has(Setting.SSL_MODE));

        // toBuilder() must not look the service up again: its values are already in "given"
        given.remove(Setting.SERVICEFILE);
        given.remove(Setting.SERVICE);
        given.put(Setting.SERVICE_APPLIED, Boolean.TRUE);
        return new ConnConfig(resolved, given, env, homeDirectory(env));
    }

    /** Fills settings from the named service's section, without overriding explicit ones. */
    private static void applyService(SettingValues given, EnvironmentSource env) {
        if (Boolean.TRUE.equals(given.get(Setting.SERVICE_APPLIED)) && !given.has(Setting.SERVICE)) {
            return; // a toBuilder() copy: the service's values are already in "given", PGSERVICE was read
        }
        // libpq looks up even an empty name ("definition of service \"\" not found"); only an unset one is skipped
        String service = given.has(Setting.SERVICE) ? given.get(Setting.SERVICE) : env.get("PGSERVICE");
        if (service == null) {
            return;
        }
        boolean explicitFile = given.has(Setting.SERVICEFILE);
        String userFile = explicitFile ? given.get(Setting.SERVICEFILE) : env.get("PGSERVICEFILE");
        // checked here, before any file is read: the general validation runs after the service is applied
        Path file = userFile == null || userFile.isEmpty() ? null
                : ConnConfigValidator.path(explicitFile ? "servicefile" : "PGSERVICEFILE", userFile);
        String sysConfDir = env.get("PGSYSCONFDIR");
        if (sysConfDir != null && !sysConfDir.isEmpty()) {
            ConnConfigValidator.path("PGSYSCONFDIR", sysConfDir);
        }
        Map<String, String> pairs = ServiceFile.lookup(service, file, homeDirectory(env), sysConfDir);
        SettingValues fromService = new SettingValues();
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            Binding<?> binding = Keywords.forKeyword(pair.getKey());
            if (!fromService.has(binding.setting())) {
                binding.apply(fromService, pair.getValue());
            }
        }
        given.fillFrom(fromService);
    }

    /** Fills settings still unset from {@code PG*} variables; a variable is parsed only when used. */
    private static void applyEnvironment(SettingValues given, EnvironmentSource env) {
        for (Map.Entry<String, Binding<?>> e : Keywords.environmentVariables().entrySet()) {
            Binding<?> binding = e.getValue();
            String value = given.has(binding.setting()) || overriddenByHostList(given, binding.setting())
                    ? null : env.get(e.getKey());
            if (value != null) {
                binding.apply(given, value);
            }
        }
        // libpq 18: the deprecated PGREQUIRESSL, read after PGSSLMODE (which wins): a value starting with 1 is
        // sslmode=require, any other is ignored (REVIEW-31 R31-1)
        String requireSsl = env.get("PGREQUIRESSL");
        if (!given.has(Setting.SSL_MODE) && requireSsl != null && requireSsl.startsWith("1")) {
            given.put(Setting.SSL_MODE, SslMode.REQUIRE);
        }
    }

    /**
     * libpq's environment-driven server settings (fe-connect.c's {@code EnvironmentOptions}), sent as startup
     * parameters after the others, as libpq sends them: {@code PGTZ} as {@code timezone}, {@code PGGEQO} as
     * {@code geqo}; a value of {@code default} (any case) sends none, any other (empty too) is sent as it is
     * and left to the server to accept. A startup parameter of the same name (any case) given explicitly wins.
     * libpq's third, {@code PGDATESTYLE}, is not read: pgconn's text-format decoders read ISO dates
     * (docs/lifecycle.md §9).
     */
    private static Map<String, String> withEnvironmentParameters(Map<String, String> explicit, EnvironmentSource env) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>(explicit);
        for (Map.Entry<String, String> variable : ENVIRONMENT_PARAMETERS.entrySet()) {
            String value = env.get(variable.getKey());
            String name = variable.getValue();
            if (value != null && !value.equalsIgnoreCase("default") && parameters.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                parameters.put(name, value);
            }
        }
        return parameters;
    }

    private static Map<String, String> orderedPairs(String... keysAndValues) {
        Map<String, String> pairs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            pairs.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(pairs);
    }

    /** An explicit host list replaces host, hostaddr and port from every source. */
    private static boolean overriddenByHostList(SettingValues given, Setting<?> setting) {
        return given.has(Setting.HOSTS) && (setting == Setting.HOST || setting == Setting.HOSTADDR || setting == Setting.PORT);
    }

    private static List<HostSpec> hosts(SettingValues given) {
        List<HostSpec> explicit = given.get(Setting.HOSTS);
        if (explicit != null) {
            if (explicit.isEmpty() || explicit.stream().anyMatch(Objects::isNull)) {
                throw SafeText.settingError("host", String.valueOf(explicit), "invalid hosts value: " + explicit + " (expected at least one host, no null entries)");
            }
            return List.copyOf(explicit);
        }
        return HostListResolver.resolve(given.get(Setting.HOST), given.get(Setting.HOSTADDR), given.get(Setting.PORT));
    }

    /** {@code HOME} from the environment source when it has one, else the JVM's {@code user.home}. */
    static Path homeDirectory(EnvironmentSource env) {
        String home = env.get("HOME");
        return ConnConfigValidator.path("HOME", home != null && !home.isEmpty() ? home : System.getProperty("user.home"));
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
