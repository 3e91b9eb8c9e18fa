package io.pgconn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class Auth14IT extends AbstractAuthIT {

    @RegisterExtension
    static final PgClusterExtension PG = users(PgClusterExtension.builder().name("auth14")).majorVersion(14).build();

    @Override
    PgServer server() {
        return PG.primary();
    }

    @Test
    void runsFourteen() {
        assertThat(PG.primary().version()).startsWith("14.");
        assertThat(PG.primary().queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = 'scramuser'"))
                .startsWith("SCRAM-SHA-256$4096:");
    }
}
