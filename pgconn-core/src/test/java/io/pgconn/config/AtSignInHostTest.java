package io.pgconn.config;

import io.pgconn.PgConfigException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An unescaped {@code @} in a URI password moves the password's tail into the host (libpq ends the
 * user-info at the first {@code @}); pgconn refuses a host holding {@code @} in every form, with an
 * error that quotes no part of the password, since host names are printed everywhere.
 */
class AtSignInHostTest {

    private static final EnvironmentSource NO_ENV = EnvironmentSource.of(Map.of("HOME", "/nonexistent-home"));

    @Example
    void theReportedUriIsRefusedWithoutQuotingThePasswordsTail() {
        assertThatThrownBy(() -> ConnConfig.parse("postgresql://app:p@ssSECRET@localhost/app", NO_ENV))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("a host name cannot contain '@'")
                .hasMessageContaining("%40")
                .satisfies(e -> {
                    assertThat(e.toString()).doesNotContain("ssSECRET");
                    assertThat(((PgConfigException) e).keyword()).contains("host");
                    assertThat(((PgConfigException) e).value()).isEmpty();
                });
    }

    @Example
    void aPercentEncodedAtSignInThePasswordStillWorks() {
        ConnConfig config = ConnConfig.parse("postgresql://app:p%40ssSECRET@localhost/app", NO_ENV);
        assertThat(config.hosts()).containsExactly(HostSpec.of("localhost", 5432));
    }

    @Example
    void aSocketDirectoryMayHoldAnAtSign() {
        assertThat(HostSpec.of("/run/pg@x", 5432).isUnixSocket()).isTrue();
    }

    @Property(tries = 200)
    void noFormQuotesAnyPartOfAPasswordHoldingAnAtSign(@ForAll("passwordsWithAt") String password) {
        List<String> inputs = List.of(
                "postgresql://app:" + password + "@localhost/app",
                "postgres://app:" + password + "@db1:5432,db2/app?sslmode=disable",
                "postgresql://app:" + password + "@[::1]:5433/app",
                "host=" + password.substring(password.indexOf('@') + 1) + "@localhost dbname=app",
                "host=h1," + password.replace('@', 'x') + "@localhost,h3 hostaddr=127.0.0.1 dbname=app");
        for (String input : inputs) {
            assertThatThrownBy(() -> ConnConfig.parse(input, NO_ENV))
                    .as(input)
                    .isInstanceOfSatisfying(PgConfigException.class, e -> assertQuotesNoPartOf(e, password));
        }
        assertThatThrownBy(() -> HostSpec.parse(password.substring(password.indexOf('@') + 1) + "@localhost:5432"))
                .isInstanceOfSatisfying(PgConfigException.class, e -> assertQuotesNoPartOf(e, password));
    }

    /** Letters, digits and punctuation around one or more '@'; no ':' '/' '?' (they end URI parts). */
    @Provide
    Arbitrary<String> passwordsWithAt() {
        Arbitrary<String> piece = Arbitraries.strings().withCharRange('A', 'Z').withCharRange('0', '9').withChars("-_.!$")
                .ofMinLength(4).ofMaxLength(12);
        return piece.list().ofMinSize(2).ofMaxSize(4).map(pieces -> String.join("@", pieces));
    }

    private static void assertQuotesNoPartOf(PgConfigException e, String password) {
        List<String> parts = new ArrayList<>();
        for (String piece : password.split("@")) {
            if (piece.length() >= 4) {
                parts.add(piece);
            }
        }
        parts.add(password.replace('@', 'x'));
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String part : parts) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(part);
            }
        }
        for (String part : parts) {
            assertThat(e.toString()).doesNotContain(part);
            assertThat(e.value().orElse("")).doesNotContain(part);
        }
    }
}
