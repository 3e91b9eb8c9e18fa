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
     * appear, but literals written into the SQL do.
     */
    private boolean includeQueryText;

    public boolean isIncludeQueryText() {
        return this.includeQueryText;
    }

    public void setIncludeQueryText(boolean includeQueryText) {
        this.includeQueryText = includeQueryText;
    }
}
