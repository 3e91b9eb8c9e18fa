package io.pgconn.r2dbc;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reset on release's names and SQL ({@link ResetOnReleaseSql}), through the builder and the R2DBC option. */
class ResetOnReleaseSqlTest {

    @Test
    void theNamesStandForTheConstantsAndOtherTextIsSql() {
        assertThat(ResetOnReleaseSql.of("DISCARD_ALL")).isEqualTo(PgConnPools.DISCARD_ALL);
        assertThat(ResetOnReleaseSql.of(" reset_all ")).isEqualTo(PgConnPools.RESET_ALL);
        assertThat(ResetOnReleaseSql.of("DISCARD ALL")).isEqualTo("DISCARD ALL");
        assertThat(ResetOnReleaseSql.of(" RESET app.tenant ")).isEqualTo("RESET app.tenant");
        assertThat(ResetOnReleaseSql.of(null)).isNull();
        assertThat(ResetOnReleaseSql.of("  ")).isNull();
    }

    @Test
    void theOptionTakesTheNamesAndSqlAndRefusesOneWordThatIsNeitherNamingOptionValueAndForms() {
        assertThat(ResetOnReleaseSql.ofOption("resetOnRelease", "discard_all")).isEqualTo("DISCARD ALL");
        assertThat(ResetOnReleaseSql.ofOption("resetOnRelease", "RESET app.tenant")).isEqualTo("RESET app.tenant");
        assertThat(ResetOnReleaseSql.ofOption("resetOnRelease", null)).isNull();
        assertThatThrownBy(() -> ResetOnReleaseSql.ofOption("resetOnRelease", "DISCARD_AL"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid resetOnRelease \"DISCARD_AL\": expected DISCARD_ALL, RESET_ALL or SQL of your own"
                        + " such as RESET app.tenant");
    }

    @Test
    void aUrlsResetOnReleaseReachesTheDriverFactoryAndABadOneIsRefusedBeforeAnythingOpens() {
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                "r2dbc:pgconn://app@127.0.0.1:1/orders?resetOnRelease=DISCARD_ALL")) {
            assertThat(factory.resetOnRelease()).isEqualTo(PgConnPools.DISCARD_ALL);
        }
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                ConnectionFactoryOptions.builder().option(ConnectionFactoryOptions.DRIVER, "pgconn")
                        .option(ConnectionFactoryOptions.HOST, "127.0.0.1").option(ConnectionFactoryOptions.PORT, 1)
                        .option(PgConnR2dbcOptions.RESET_ON_RELEASE, "RESET app.tenant").build())) {
            assertThat(factory.resetOnRelease()).isEqualTo("RESET app.tenant");
        }
        try (PgConnR2dbcConnectionFactory factory = (PgConnR2dbcConnectionFactory) ConnectionFactories.get(
                "r2dbc:pgconn://app@127.0.0.1:1/orders")) {
            assertThat(factory.resetOnRelease()).as("none by default").isNull();
        }
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:pgconn://app@127.0.0.1:1/orders?resetOnRelease=DISCARD"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid resetOnRelease \"DISCARD\"");
    }

    /** The builder refuses a misspelt name as the R2DBC option does (REVIEW-31 R31-13: it sent it as SQL). */
    @Test
    void theBuilderRefusesOneWordThatNamesNeitherReset() {
        io.pgconn.PgConnectionFactory core = io.pgconn.PgConnectionFactory.builder(io.pgconn.config.ConnConfig.builder().build())
                .threads(1).build();
        try {
            PgConnPools.Builder builder = PgConnPools.over(core);
            assertThatThrownBy(() -> builder.resetOnRelease("DISCARD_AL"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid resetOnRelease \"DISCARD_AL\"");
            builder.resetOnRelease("discard_all");
        } finally {
            core.close();
        }
    }
}
