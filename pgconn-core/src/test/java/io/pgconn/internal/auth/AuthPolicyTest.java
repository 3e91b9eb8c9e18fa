package io.pgconn.internal.auth;

import io.pgconn.AuthMethod;
import io.pgconn.config.ChannelBindingMode;
import io.pgconn.config.RequireAuth;
import io.pgconn.PgAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

import static io.pgconn.internal.auth.ScramSelection.SCRAM_SHA_256;
import static io.pgconn.internal.auth.ScramSelection.SCRAM_SHA_256_PLUS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthPolicyTest {

    private static final String HOST = "db1:5432";
    private static final byte[] CERT = TestCertificates.anyCertificate();

    // ---- enforceAuthAllowed -------------------------------------------------------------------

    /** Allowed server methods as {@link AuthLetters}. */
    @ParameterizedTest(name = "require_auth={0}: {1} allowed")
    @CsvSource(delimiter = '|', value = {
            "''                   | NPMSX",
            "password             | P",
            "md5                  | M",
            "scram-sha-256        | SX",
            "scram-sha-256-plus   | X",
            "none                 | N",
            "!none                | PMSX",
            "'!password,!md5'     | NSX",
            "'scram-sha-256,none' | NSX"})
    void enforceAuthAllowedFollowsRequireAuth(String spec, String allowed) {
        RequireAuth requireAuth = RequireAuth.parse(spec);
        Set<AuthMethod> allowedMethods = AuthLetters.methods(allowed);
        for (AuthMethod method : AuthMethod.values()) {
            var call = assertThatCode(() -> AuthPolicy.enforceAuthAllowed(method, requireAuth,
                    ChannelBindingMode.PREFER, HOST, null));
            if (allowedMethods.contains(method)) {
                call.doesNotThrowAnyException();
            } else {
                call.isInstanceOf(PgAuthenticationException.class)
                        .hasMessageContaining("require_auth=" + spec)
                        .hasMessageContaining(HOST);
            }
        }
    }

    @Test
    void refusalSaysWhatTheServerAskedFor() {
        RequireAuth scramOnly = RequireAuth.parse("scram-sha-256");
        assertThatThrownBy(() -> AuthPolicy.enforceAuthAllowed(AuthMethod.MD5, scramOnly, ChannelBindingMode.PREFER, HOST, null))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessage("authentication method requirement require_auth=scram-sha-256 failed: server db1:5432 "
                        + "requested md5 password authentication")
                .extracting(e -> ((PgAuthenticationException) e).host()).isEqualTo(HOST);
        assertThatThrownBy(() -> AuthPolicy.enforceAuthAllowed(AuthMethod.NONE, RequireAuth.parse("!none"),
                ChannelBindingMode.PREFER, HOST, null))
                .hasMessageContaining("did not ask for authentication");
        assertThatThrownBy(() -> AuthPolicy.enforceAuthAllowed(AuthMethod.SCRAM_SHA_256, RequireAuth.parse("password"),
                ChannelBindingMode.PREFER, HOST, "SCRAM-SHA-256, SCRAM-SHA-256-PLUS"))
                .hasMessageContaining("offered SASL mechanisms: SCRAM-SHA-256, SCRAM-SHA-256-PLUS");
    }

    @ParameterizedTest
    @EnumSource(value = AuthMethod.class, names = {"NONE", "PASSWORD", "MD5", "SCRAM_SHA_256"})
    void channelBindingRequireRefusesEverythingButPlus(AuthMethod method) {
        assertThatThrownBy(() -> AuthPolicy.enforceAuthAllowed(method, RequireAuth.ANY, ChannelBindingMode.REQUIRE, HOST, null))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("channel_binding=require")
                .hasMessageContaining(HOST);
    }

    @Test
    void channelBindingRequireAcceptsPlus() {
        assertThatCode(() -> AuthPolicy.enforceAuthAllowed(AuthMethod.SCRAM_SHA_256_PLUS, RequireAuth.ANY,
                ChannelBindingMode.REQUIRE, HOST, null)).doesNotThrowAnyException();
    }

    // ---- filterSaslByRequireAuth --------------------------------------------------------------

    @Test
    void filterKeepsAllowedScramMechanismsInServerOrder() {
        List<String> offered = List.of("OAUTHBEARER", SCRAM_SHA_256_PLUS, SCRAM_SHA_256);
        assertThat(AuthPolicy.filterSaslByRequireAuth(offered, RequireAuth.ANY)).containsExactly(SCRAM_SHA_256_PLUS, SCRAM_SHA_256);
        assertThat(AuthPolicy.filterSaslByRequireAuth(offered, RequireAuth.parse("scram-sha-256-plus"))).containsExactly(SCRAM_SHA_256_PLUS);
        assertThat(AuthPolicy.filterSaslByRequireAuth(offered, RequireAuth.parse("!scram-sha-256-plus"))).containsExactly(SCRAM_SHA_256);
        assertThat(AuthPolicy.filterSaslByRequireAuth(offered, RequireAuth.parse("md5"))).isEmpty();
        assertThat(AuthPolicy.unsupportedSaslMechanisms(offered)).containsExactly("OAUTHBEARER");
    }

    // ---- selectScramMechanism -----------------------------------------------------------------

    /** offers: S = SCRAM-SHA-256 only, X = -PLUS only, SX = both. Expected "mechanism gs2" or "error". */
    @ParameterizedTest(name = "channel_binding={0}, tls={1}, offers={2} → {3}")
    @CsvSource(delimiter = '|', value = {
            "disable | false | S  | SCRAM-SHA-256 n,,",
            "disable | false | X  | error",
            "disable | false | SX | SCRAM-SHA-256 n,,",
            "disable | true  | S  | SCRAM-SHA-256 n,,",
            "disable | true  | X  | error",
            "disable | true  | SX | SCRAM-SHA-256 n,,",
            "prefer  | false | S  | SCRAM-SHA-256 n,,",
            "prefer  | false | X  | error",
            "prefer  | false | SX | SCRAM-SHA-256 n,,",
            "prefer  | true  | S  | SCRAM-SHA-256 y,,",
            "prefer  | true  | X  | SCRAM-SHA-256-PLUS p=tls-server-end-point,,",
            "prefer  | true  | SX | SCRAM-SHA-256-PLUS p=tls-server-end-point,,",
            "require | false | S  | error",
            "require | false | X  | error",
            "require | false | SX | error",
            "require | true  | S  | error",
            "require | true  | X  | SCRAM-SHA-256-PLUS p=tls-server-end-point,,",
            "require | true  | SX | SCRAM-SHA-256-PLUS p=tls-server-end-point,,"})
    void selectsMechanismAndGs2Header(String mode, boolean tls, String offers, String expected) {
        List<String> offered = offers.equals("S") ? List.of(SCRAM_SHA_256)
                : offers.equals("X") ? List.of(SCRAM_SHA_256_PLUS) : List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256);
        ChannelBindingMode bindingMode = ChannelBindingMode.parse(mode);
        byte[] cert = tls ? CERT : null;
        if (expected.equals("error")) {
            assertThatThrownBy(() -> AuthPolicy.selectScramMechanism(tls, cert, offered, bindingMode, HOST))
                    .isInstanceOf(PgAuthenticationException.class)
                    .hasMessageContaining("channel_binding=" + mode)
                    .hasMessageContaining(HOST)
                    .hasMessageContaining(offered.get(0));
            return;
        }
        ScramSelection selection = AuthPolicy.selectScramMechanism(tls, cert, offered, bindingMode, HOST);
        assertThat(selection.mechanism() + " " + selection.gs2Header()).isEqualTo(expected);
        if (selection.isChannelBound()) {
            assertThat(selection.channelBindingData()).isEqualTo(sha256(CERT));
        } else {
            assertThat(selection.channelBindingData()).isNull();
        }
    }

    @Test
    void preferWithoutCertificateFallsBackToUnboundScramWithN() {
        ScramSelection selection = AuthPolicy.selectScramMechanism(true, null,
                List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256), ChannelBindingMode.PREFER, HOST);
        assertThat(selection.mechanism()).isEqualTo(SCRAM_SHA_256);
        assertThat(selection.gs2Header()).isEqualTo("n,,");
    }

    @Test
    void requireWithoutCertificateFails() {
        assertThatThrownBy(() -> AuthPolicy.selectScramMechanism(true, new byte[0],
                List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256), ChannelBindingMode.REQUIRE, HOST))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("certificate");
    }

    @Test
    void preferWithCertificateWithoutDefinedHashFallsBackToN() {
        byte[] ed25519 = TestCertificates.selfSigned("Ed25519");
        ScramSelection selection = AuthPolicy.selectScramMechanism(true, ed25519,
                List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256), ChannelBindingMode.PREFER, HOST);
        assertThat(selection.gs2Header()).isEqualTo("n,,");
        assertThatThrownBy(() -> AuthPolicy.selectScramMechanism(true, ed25519,
                List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256), ChannelBindingMode.REQUIRE, HOST))
                .isInstanceOf(PgAuthenticationException.class).hasMessageContaining("Ed25519");
    }

    @Test
    void requireAuthThatRemovesPlusSendsNNotY() {
        ScramSelection selection = AuthPolicy.selectScramMechanism(true, CERT, List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256),
                RequireAuth.parse("!scram-sha-256-plus"), ChannelBindingMode.PREFER, HOST);
        assertThat(selection.mechanism()).isEqualTo(SCRAM_SHA_256);
        assertThat(selection.gs2Header()).isEqualTo("n,,");
    }

    @Test
    void requireAuthPlusOnlyPicksPlusOrFails() {
        RequireAuth plusOnly = RequireAuth.parse("scram-sha-256-plus");
        assertThat(AuthPolicy.selectScramMechanism(true, CERT, List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256), plusOnly,
                ChannelBindingMode.PREFER, HOST).mechanism()).isEqualTo(SCRAM_SHA_256_PLUS);
        assertThatThrownBy(() -> AuthPolicy.selectScramMechanism(true, CERT, List.of(SCRAM_SHA_256), plusOnly,
                ChannelBindingMode.PREFER, HOST))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("require_auth=scram-sha-256-plus")
                .hasMessageContaining("offered SASL mechanisms: SCRAM-SHA-256");
    }

    @Test
    void requireWhenRequireAuthExcludesPlusNamesBothSettings() {
        assertThatThrownBy(() -> AuthPolicy.selectScramMechanism(true, CERT, List.of(SCRAM_SHA_256_PLUS, SCRAM_SHA_256),
                RequireAuth.parse("!scram-sha-256-plus"), ChannelBindingMode.REQUIRE, HOST))
                .hasMessageContaining("channel_binding=require")
                .hasMessageContaining("require_auth=!scram-sha-256-plus");
    }

    @Test
    void onlyUnsupportedMechanismsAreNamed() {
        assertThatThrownBy(() -> AuthPolicy.selectScramMechanism(true, CERT, List.of("OAUTHBEARER"),
                ChannelBindingMode.PREFER, HOST))
                .isInstanceOf(PgAuthenticationException.class)
                .hasMessageContaining("unsupported authentication method")
                .hasMessageContaining("OAUTHBEARER")
                .hasMessageContaining(HOST);
        assertThatThrownBy(() -> AuthPolicy.selectScramMechanism(false, null, List.of(),
                ChannelBindingMode.PREFER, HOST))
                .hasMessageContaining("offered no SASL mechanism");
    }

    @Test
    void unknownMechanismsDoNotDisturbTheChoice() {
        ScramSelection selection = AuthPolicy.selectScramMechanism(true, CERT,
                List.of("OAUTHBEARER", SCRAM_SHA_256), ChannelBindingMode.PREFER, HOST);
        assertThat(selection.mechanism() + " " + selection.gs2Header()).isEqualTo("SCRAM-SHA-256 y,,");
    }

    @Test
    void selectionToStringHasNoRawBytes() {
        ScramSelection selection = AuthPolicy.selectScramMechanism(true, CERT, List.of(SCRAM_SHA_256_PLUS),
                ChannelBindingMode.REQUIRE, HOST);
        assertThat(selection.toString()).contains("SCRAM-SHA-256-PLUS").contains("32 bytes").doesNotContain("[B@");
        assertThat(selection.authMethod()).isEqualTo(AuthMethod.SCRAM_SHA_256_PLUS);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
