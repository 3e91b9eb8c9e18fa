package io.pgconn.spring.boot.autoconfigure.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ServerAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            db1:5432                        | db1                             | 5432
            10.0.0.7:6432                   | 10.0.0.7                        | 6432
            [::1]:5433                      | ::1                             | 5433
            /var/run/postgresql/.s.PGSQL.5432 | /var/run/postgresql/.s.PGSQL.5432 | 5432
            """)
    void splitsHostLabels(String label, String address, String port) {
        assertThat(ServerAddress.of(label)).isEqualTo(new ServerAddress(address, port));
    }
}
