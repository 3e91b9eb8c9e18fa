package io.pgconn.spring.boot.autoconfigure.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the pgconn observations.
 */
@ConfigurationProperties("management.observations.pgconn")
public class PgConnObservationProperties {

    /**
     * Whether a statement's observation carries its SQL text as the high-cardinality key
     * db.query.text. The text is as the application wrote it: parameter values bound with $n never
     * appear, but literals written into the SQL do. Also whether the observation's error keeps the
     * server's message of a statement it refused, which may quote such a literal (without, the error
     * keeps its class, severity and SQLSTATE).
     */
    private boolean includeQueryText;

    /**
     * Whether pg.conn.statement carries db.namespace (the database) as a low-cardinality key, so as a tag of its
     * timers, as OpenTelemetry's database conventions recommend. false: it stays on the observation as a
     * high-cardinality key (spans keep it, the timers drop it) — for an application with a database per tenant, whose
     * statement timers would otherwise number tenants × operations × outcomes.
     */
    private boolean dbNamespaceAsTag = true;

    public boolean isIncludeQueryText() {
        return this.includeQueryText;
    }

    public void setIncludeQueryText(boolean includeQueryText) {
        this.includeQueryText = includeQueryText;
    }

    public boolean isDbNamespaceAsTag() {
        return this.dbNamespaceAsTag;
    }

    public void setDbNamespaceAsTag(boolean dbNamespaceAsTag) {
        this.dbNamespaceAsTag = dbNamespaceAsTag;
    }
}
