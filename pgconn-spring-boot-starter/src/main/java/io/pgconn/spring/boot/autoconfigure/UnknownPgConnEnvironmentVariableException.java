package io.pgconn.spring.boot.autoconfigure;

import java.util.List;

/**
 * {@code PG_CONN_*} environment variables that bind to no {@code pg.conn.*} property, by name only
 * (a value may be a mistyped password). {@link PgConnFailureAnalyzer} reports each with the nearest
 * property.
 */
public class UnknownPgConnEnvironmentVariableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> variables;

    public UnknownPgConnEnvironmentVariableException(List<String> variables) {
        super("Environment variable" + (variables.size() == 1 ? " " : "s ") + String.join(", ", variables)
                + " bind" + (variables.size() == 1 ? "s" : "") + " to no pg.conn.* property");
        this.variables = List.copyOf(variables);
    }

    /** The variables' names, sorted. */
    public List<String> getVariables() {
        return this.variables == null ? List.of() : this.variables;
    }
}
