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

    public boolean isIncludeQueryText() {
        return this.includeQueryText;
    }

    public void setIncludeQueryText(boolean includeQueryText) {
        this.includeQueryText = includeQueryText;
    }
}
