package io.pgconn.sample.notes;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sample.write-load.*}: the background write load the demo page shows (see {@link WriteLoad}).
 *
 * @param enabled  whether notes are written at all ({@code false} in the {@code external} profile:
 *                 no writes into your database unless you ask)
 * @param interval the pause between the end of one write and the start of the next
 * @param timeout  how long one write may take before it counts as failed (a hung request shows as a
 *                 failure, not as silence)
 */
@ConfigurationProperties("sample.write-load")
public record WriteLoadProperties(@DefaultValue("true") boolean enabled, @DefaultValue("200ms") Duration interval,
                                  @DefaultValue("5s") Duration timeout) {

    public WriteLoadProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("sample.write-load.interval must be positive, was " + interval);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("sample.write-load.timeout must be positive, was " + timeout);
        }
    }
}
