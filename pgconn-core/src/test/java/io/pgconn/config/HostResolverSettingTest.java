package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code hostResolver} (docs/lifecycle.md §1.1.1, §6): the system resolver unless a connection string, a service
 * file or the builder asks for {@code netty-dns}; a value spelled otherwise fails naming the value and the accepted ones.
 */
class HostResolverSettingTest {

    private static ConnConfig parse(String s) {
        return ConnConfig.parse(s, EnvironmentSource.none());
    }

    @Test
    void theDefaultIsTheSystemResolver() {
        assertThat(parse("host=db").hostResolver()).isEqualTo(HostResolverKind.SYSTEM);
        assertThat(ConnConfig.builder().build().hostResolver()).isEqualTo(HostResolverKind.SYSTEM);
        assertThat(ConnDefaults.HOST_RESOLVER).isEqualTo(HostResolverKind.SYSTEM);
    }

    @Test
    void netttyDnsIsAskedForByKeywordUriParameterServiceFileOrBuilder(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(parse("host=db hostResolver=netty-dns").hostResolver()).isEqualTo(HostResolverKind.NETTY_DNS);
        assertThat(parse("host=db hostResolver=system").hostResolver()).isEqualTo(HostResolverKind.SYSTEM);
        assertThat(parse("postgresql://db/app?hostResolver=netty-dns").hostResolver()).isEqualTo(HostResolverKind.NETTY_DNS);
        assertThat(ConnConfig.builder().hostResolver(HostResolverKind.NETTY_DNS).build().hostResolver()).isEqualTo(HostResolverKind.NETTY_DNS);
        assertThat(parse("host=db hostResolver=netty-dns").toBuilder().build().hostResolver()).as("kept by a copy")
                .isEqualTo(HostResolverKind.NETTY_DNS);

        Path services = Files.writeString(dir.resolve("pg_service.conf"), "[orders]\nhost=db\nhostResolver=netty-dns\n");
        ConnConfig fromService = ConnConfig.parse("service=orders", EnvironmentSource.of(Map.of("PGSERVICEFILE", services.toString())));
        assertThat(fromService.hostResolver()).isEqualTo(HostResolverKind.NETTY_DNS);
        assertThat(ConnConfig.parse("service=orders hostResolver=system", EnvironmentSource.of(Map.of("PGSERVICEFILE", services.toString())))
                .hostResolver()).as("explicit over the service file").isEqualTo(HostResolverKind.SYSTEM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns", "netty", "NETTY-DNS", "netty_dns", "System", " system"})
    void aValueSpelledOtherwiseFailsNamingItAndTheAcceptedValues(String value) {
        assertThatThrownBy(() -> parse("host=db hostResolver='" + value + "'"))
                .isInstanceOfSatisfying(PgConfigException.class, e -> {
                    assertThat(e.keyword()).contains("hostResolver");
                    assertThat(e.value()).contains(value);
                })
                .hasMessage("invalid hostResolver value: \"" + value + "\" (expected one of system, netty-dns, spelled exactly so)");
    }

    @Test
    void javaCallersAndRelaxedBindingMaySpellItInAnyCase() {
        assertThat(HostResolverKind.parse("NETTY_DNS")).isEqualTo(HostResolverKind.NETTY_DNS);
        assertThat(HostResolverKind.parse("System")).isEqualTo(HostResolverKind.SYSTEM);
        assertThatThrownBy(() -> HostResolverKind.parse("jndi")).isInstanceOf(PgConfigException.class)
                .hasMessage("invalid hostResolver value: \"jndi\" (expected one of system, netty-dns)");
    }

    @Test
    void noEnvironmentVariableSetsIt() {
        ConnConfig config = ConnConfig.parse("host=db", EnvironmentSource.of(Map.of("PGHOSTRESOLVER", "netty-dns")));
        assertThat(config.hostResolver()).isEqualTo(HostResolverKind.SYSTEM);
    }
}
