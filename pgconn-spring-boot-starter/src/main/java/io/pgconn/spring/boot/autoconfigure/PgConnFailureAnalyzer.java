package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.config.LibpqValue;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reports a bad {@code pg.conn.*} value as Boot's "APPLICATION FAILED TO START" with the property,
 * the value and what it accepts: an {@link InvalidPgConnPropertyException}, or a binding failure
 * of an enum property, whose allowed values are given in libpq's spelling ({@code verify-full},
 * not {@code VERIFY_FULL}). An unknown {@code pg.conn.*} key (Boot's
 * {@link UnboundConfigurationPropertiesException}, {@link PgConnProperties} ignoring no unknown field)
 * is reported with its origin and the nearest known property, never its value (it may be a
 * mistyped password); so is a {@code PG_CONN_*} environment variable that binds to none
 * ({@link UnknownPgConnEnvironmentVariableException}), by name only. Runs before Boot's generic bind analyzers.
 */
class PgConnFailureAnalyzer implements FailureAnalyzer, Ordered {

    private static final String PREFIX = "pg.conn.";

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidPgConnPropertyException invalid) {
                return analyze(invalid);
            }
            if (t instanceof NoPgConnHostException noHost) {
                return analyze(noHost);
            }
            if (t instanceof PgConnStartupCheckException check) {
                return analyze(check);
            }
            if (t instanceof UnknownPgConnEnvironmentVariableException variables) {
                return analyze(variables);
            }
            if (t instanceof BindException bind) {
                FailureAnalysis analysis = analyze(bind);
                if (analysis != null) {
                    return analysis;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private FailureAnalysis analyze(InvalidPgConnPropertyException e) {
        if (!e.getConflictsWith().isEmpty()) {
            return analyzeConflict(e);
        }
        String description = "Invalid value for pgconn property '" + e.getProperty() + "':\n\n"
                + property(e.getProperty(), e.getValue(), e.getOrigin()) + "    Reason: " + e.getExpected();
        String action = "Update '" + e.getProperty() + "' in your application's configuration: " + e.getExpected();
        return new FailureAnalysis(description, action, e);
    }

    /** Each property of the conflict with its value and origin: the one to change may be either. */
    private FailureAnalysis analyzeConflict(InvalidPgConnPropertyException e) {
        List<String> names = new ArrayList<>();
        names.add(e.getProperty());
        StringBuilder properties = new StringBuilder(property(e.getProperty(), e.getValue(), e.getOrigin()));
        for (InvalidPgConnPropertyException.ConflictingProperty other : e.getConflictsWith()) {
            names.add(other.property());
            properties.append('\n').append(property(other.property(), other.value(), other.origin()));
        }
        String quoted = names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(" and "));
        String description = "Conflicting values of pgconn properties " + quoted + ":\n\n" + properties
                + "\n    Reason: " + e.getExpected();
        String action = "Change " + names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(" or "))
                + " in your application's configuration: " + e.getExpected();
        return new FailureAnalysis(description, action, e);
    }

    private static String property(String name, @Nullable String value, @Nullable Origin origin) {
        return "    Property: " + name + "\n" + (value != null ? "    Value: \"" + value + "\"\n" : "")
                + (origin != null ? "    Origin: " + origin + "\n" : "");
    }

    private FailureAnalysis analyze(NoPgConnHostException e) {
        String description = "No PostgreSQL host is configured for pgconn: none of 'pg.conn.url', 'pg.conn.hosts',"
                + " a PgConnConnectionDetails bean (such as one from @ServiceConnection) or the PGHOST environment"
                + " variable names a server.";
        String action = "Set 'pg.conn.hosts' (e.g. 'db1.internal:5432,db2.internal:5432') or 'pg.conn.url'"
                + " (e.g. 'postgresql://db1.internal:5432/app') in your application's configuration, or define a"
                + " PgConnConnectionDetails bean.";
        return new FailureAnalysis(description, action, e);
    }

    private FailureAnalysis analyze(PgConnStartupCheckException e) {
        String description = "pgconn could not connect at start-up (pg.conn.startup-check=fail):\n\n    Hosts: "
                + e.getHosts() + "\n    Reason: " + e.getReason().replace("\n", "\n        ");
        return new FailureAnalysis(description, e.getAction(), e);
    }

    private @Nullable FailureAnalysis analyze(BindException e) {
        if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound
                && PgConnPropertyNames.PREFIX.equals(e.getName().toString())) {
            return analyze(unbound, e);
        }
        String name = e.getName().toString();
        Class<?> type = e.getTarget().getType().resolve();
        if (!name.startsWith(PREFIX) || type == null || !type.isEnum() || !LibpqValue.class.isAssignableFrom(type)) {
            return null;
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(c -> ((LibpqValue) c).libpqName())
                .collect(Collectors.joining(", "));
        ConfigurationProperty property = e.getProperty();
        StringBuilder description = new StringBuilder("Invalid value for pgconn property '").append(name)
                .append("':\n\n    Property: ").append(name).append('\n');
        if (property != null) {
            description.append("    Value: \"").append(property.getValue()).append("\"\n");
            Origin origin = property.getOrigin();
            if (origin != null) {
                description.append("    Origin: ").append(origin).append('\n');
            }
        }
        description.append("    Reason: not one of ").append(allowed);
        String action = "Update '" + name + "' in your application's configuration to one of: " + allowed;
        return new FailureAnalysis(description.toString(), action, e);
    }

    /**
     * Unknown keys, and known ones Boot left unbound because their value is empty ({@code pg.conn.ssl.mode=},
     * an unset {@code ${SSL_MODE:}}): those are not "no such property" (whose nearest name would be itself).
     */
    private FailureAnalysis analyze(UnboundConfigurationPropertiesException unbound, BindException e) {
        int count = unbound.getUnboundProperties().size();
        boolean anyKnown = unbound.getUnboundProperties().stream()
                .anyMatch(p -> PgConnPropertyNames.all().contains(p.getName().toString()));
        StringBuilder description = new StringBuilder(anyKnown ? (count == 1 ? "pgconn property" : "pgconn properties")
                + " left unbound" : count == 1 ? "Unknown pgconn property" : "Unknown pgconn properties")
                .append(" (every pg.conn.* key is pgconn's):\n");
        StringBuilder action = new StringBuilder();
        for (ConfigurationProperty property : unbound.getUnboundProperties()) {
            String name = property.getName().toString();
            boolean known = PgConnPropertyNames.all().contains(name);
            String nearest = known ? null : PgConnPropertyNames.nearest(name);
            // no value: the key may be a mistyped 'password'
            description.append("\n    Property: ").append(name).append('\n');
            Origin origin = property.getOrigin();
            if (origin != null) {
                description.append("    Origin: ").append(origin).append('\n');
            }
            if (known) {
                description.append("    Reason: no value (an empty value sets nothing)\n");
                action.append(action.isEmpty() ? "" : "\n").append("Give '").append(name)
                        .append("' a value or remove it from your application's configuration.");
                continue;
            }
            description.append("    Reason: no such property")
                    .append(nearest != null ? "; did you mean '" + nearest + "'?" : "").append('\n');
            action.append(action.isEmpty() ? "" : "\n").append(nearest != null
                    ? "Rename '" + name + "' to '" + nearest + "'"
                    : "Remove '" + name + "' or correct its name");
            action.append(" in your application's configuration.");
        }
        action.append("\nThe pg.conn.* properties are listed in pgconn-spring-boot-starter's README and in your IDE's"
                + " completion (configuration metadata).");
        return new FailureAnalysis(description.toString().stripTrailing(), action.toString(), e);
    }

    /** Each variable by name with the nearest property's variable; never a value (it may be a mistyped password). */
    private FailureAnalysis analyze(UnknownPgConnEnvironmentVariableException e) {
        List<String> variables = e.getVariables();
        StringBuilder description = new StringBuilder(variables.size() == 1 ? "Unknown pgconn environment variable"
                : "Unknown pgconn environment variables").append(" (every PG_CONN_* variable is read as a pg.conn.* property):\n");
        StringBuilder action = new StringBuilder();
        for (String variable : variables) {
            String nearest = PgConnPropertyNames.nearestToVariable(variable);
            String nearestVariable = nearest == null ? null : PgConnPropertyNames.variableOf(nearest);
            description.append("\n    Variable: ").append(variable).append('\n')
                    .append("    Reason: binds to no pg.conn.* property")
                    .append(nearest != null ? "; did you mean '" + nearestVariable + "' (" + nearest + ")?" : "").append('\n');
            action.append(action.isEmpty() ? "" : "\n").append(nearest != null
                    ? "Rename the environment variable '" + variable + "' to '" + nearestVariable + "'."
                    : "Unset the environment variable '" + variable + "' or correct its name.");
        }
        action.append("\nThe pg.conn.* properties are listed in pgconn-spring-boot-starter's README; a variable names one in"
                + " upper case with '_' for '.' and '-' (pg.conn.ssl.root-cert is PG_CONN_SSL_ROOT_CERT).");
        return new FailureAnalysis(description.toString().stripTrailing(), action.toString(), e);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
