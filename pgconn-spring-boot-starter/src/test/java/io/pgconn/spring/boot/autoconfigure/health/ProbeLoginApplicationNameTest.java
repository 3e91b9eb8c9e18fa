package io.pgconn.spring.boot.autoconfigure.health;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The monitor's session keeps its {@code -health} suffix within the 63 bytes the server keeps. */
class ProbeLoginApplicationNameTest {

    @Test
    void suffixedOrPgconnWithoutAName() {
        assertThat(ProbeLogin.monitorApplicationName("orders")).isEqualTo("orders-health");
        assertThat(ProbeLogin.monitorApplicationName(null)).isEqualTo("pgconn-health");
        assertThat(ProbeLogin.monitorApplicationName("")).isEqualTo("pgconn-health");
    }

    @Test
    void aLongNameIsCutBeforeTheSuffix() {
        String name = ProbeLogin.monitorApplicationName("o".repeat(80));
        assertThat(name).endsWith("-health").hasSize(63);
        String wide = ProbeLogin.monitorApplicationName("é".repeat(40)); // 2 bytes each
        assertThat(wide).endsWith("-health");
        assertThat(wide.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    }
}
