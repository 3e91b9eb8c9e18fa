package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class Auth18IT extends AbstractAuthIT {

    @RegisterExtension
    static final PgClusterExtension PG = users(PgClusterExtension.builder().name("auth18"))
            .majorVersion(18)
            .config("scram_iterations", "8192")
            .build();

    @Override
    PgServer server() {
        return PG.primary();
    }

    @Test
    void scramIterationsSettingShapesTheSecret() {
        assertThat(PG.primary().majorVersion()).isEqualTo(18);
        assertThat(PG.primary().queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = 'scramuser'"))
                .startsWith("SCRAM-SHA-256$8192:");
    }
}
