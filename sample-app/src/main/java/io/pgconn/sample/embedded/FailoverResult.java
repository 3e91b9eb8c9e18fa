package io.pgconn.sample.embedded;

import java.time.Instant;

/**
 * The demo failover: which primary was stopped, which standby took over, and when.
 *
 * @param stoppedPrimary  {@code host:port} of the primary that was stopped
 * @param promotedStandby {@code host:port} of the standby that is now the primary
 * @param at              when the promotion completed
 */
public record FailoverResult(String stoppedPrimary, String promotedStandby, Instant at) {
}
