package io.pgconn.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** A context that must fail to start, and the starter's report of why ({@link PgConnFailureAnalyzer}). */
final class FailedStartup {

    private FailedStartup() {
    }

    /** Why {@code runner}'s context failed to start; fails the test when it started. */
    static Throwable failure(ApplicationContextRunner runner) {
        Throwable[] failure = new Throwable[1];
        runner.run(context -> {
            assertThat(context).hasFailed();
            failure[0] = context.getStartupFailure();
        });
        return failure[0];
    }

    /** The report of why {@code runner}'s context failed to start; fails the test when it started or there is no report. */
    static FailureAnalysis analysis(ApplicationContextRunner runner) {
        return analysis(failure(runner));
    }

    /** The report of {@code failure}; fails the test when there is none. */
    static FailureAnalysis analysis(Throwable failure) {
        FailureAnalysis analysis = new PgConnFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
        return analysis;
    }

    /** No message of {@code failure} or its causes holds {@code secret}. */
    static void assertNoMessageContains(Throwable failure, String secret) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("message of %s", t.getClass().getName()).doesNotContain(secret);
        }
    }
}
