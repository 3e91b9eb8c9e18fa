package io.pgconn.internal.failover;

import io.pgconn.ErrorMessageLines;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnectionFactory;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connect over several hosts lists each host's reason on a line of its own, indented by two; a host whose server
 * error has a HINT (a bad startup setting: "Valid units for this parameter are ...") has it indented deeper, under
 * its own line — it was an unindented "HINT:" line that read as the list's end or the next host's (AUDIT-15 L5).
 */
class WalkFailuresListIT {

    @RegisterExtension
    static final PgClusterExtension PG = FailoverCluster.withStandbys("walkhint", 0);

    @Test
    void aHostsHintIsIndentedUnderItsOwnLine() {
        int refused = FailoverCluster.refusedPort();
        int real = PG.primary().port();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(
                FailoverCluster.config("options='-c work_mem=1zz'", refused, real)).threads(1).build()) {
            PgConnectException walk = (PgConnectException) failure(factory.connect());
            assertThat(walk.getSuppressed()).hasSize(2);
            String refusedReason = walk.getSuppressed()[0].getMessage();
            assertThat(refusedReason).doesNotContain("\n");
            String server = "127.0.0.1:" + real;
            String hint = ((PgConnectException) walk.getSuppressed()[1]).serverFields().hint();
            assertThat(hint).startsWith("Valid units for this parameter are");
            assertThat(walk.getMessage()).isEqualTo("could not connect to any of 2 hosts (target_session_attrs=any):"
                    + "\n  127.0.0.1:" + refused + ": " + refusedReason
                    + "\n  " + server + ": server " + server + " reported FATAL: invalid value for parameter \"work_mem\": \"1zz\" (SQLSTATE 22023)"
                    + "\n    HINT: " + hint);
            assertThat(ErrorMessageLines.oneLine(walk.getMessage())).as("on one line (a given-up subscriber's error, a health log)")
                    .isEqualTo("could not connect to any of 2 hosts (target_session_attrs=any): 127.0.0.1:" + refused + ": " + refusedReason
                            + "; " + server + ": server " + server + " reported FATAL: invalid value for parameter \"work_mem\": \"1zz\""
                            + " (SQLSTATE 22023), HINT: " + hint);
        }
    }
}
