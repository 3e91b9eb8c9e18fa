package io.pgconn.hostile;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Servers that ask for an authentication the client must not give (docs/testing.md §2,
 * docs/lifecycle.md §1.4): every {@code require_auth} refusal, {@code channel_binding=require}
 * against cleartext, MD5 and trust, and methods pgconn does not speak. The message says which
 * requirement failed, what the server asked for, and which host.
 */
class HostileAuthenticationIT {

    /** What a scripted server asks for, by name. */
    private static byte[] request(String asked) {
        return switch (asked) {
            case "trust" -> Backend.trustLogin();
            case "password" -> Backend.authenticationCleartext();
            case "md5" -> Backend.authenticationMd5(new byte[]{1, 2, 3, 4});
            case "scram" -> Backend.authenticationSasl("SCRAM-SHA-256");
            case "scram-plus" -> Backend.authenticationSasl("SCRAM-SHA-256-PLUS");
            default -> throw new IllegalArgumentException(asked);
        };
    }

    @ParameterizedTest(name = "require_auth={0} refuses a server asking for {1}")
    @CsvSource(delimiter = '|', value = {
            "password|md5|requested md5 password authentication",
            "password|scram|offered SASL mechanisms: SCRAM-SHA-256",
            "password|trust|did not ask for authentication",
            "md5|password|requested cleartext password authentication",
            "md5|trust|did not ask for authentication",
            "scram-sha-256|password|requested cleartext password authentication",
            "scram-sha-256|md5|requested md5 password authentication",
            "scram-sha-256|trust|did not ask for authentication",
            "scram-sha-256-plus|scram|offered SASL mechanisms: SCRAM-SHA-256",
            "none|password|requested cleartext password authentication",
            "none|scram|offered SASL mechanisms: SCRAM-SHA-256",
            "'password,md5'|scram|offered SASL mechanisms: SCRAM-SHA-256",
            "!password|password|requested cleartext password authentication",
            "!md5|md5|requested md5 password authentication",
            "!scram-sha-256|scram|offered SASL mechanisms: SCRAM-SHA-256",
            "!none|trust|did not ask for authentication",
            "'!password,!md5'|md5|requested md5 password authentication"})
    void requireAuthRefusals(String requireAuth, String asked, String described) {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(request(asked));
        })) {
            Refusal.expect(server, "sslmode=disable require_auth=" + requireAuth, PgAuthenticationException.class,
                    "authentication method requirement", described);
        }
    }

    @ParameterizedTest(name = "channel_binding=require refuses {0} over plaintext")
    @CsvSource(delimiter = '|', value = {
            "password|channel_binding=require failed",
            "md5|channel_binding=require failed",
            "trust|channel_binding=require failed",
            "scram|the connection is not encrypted with TLS"})
    void channelBindingRequireRefusesWeakerLogins(String asked, String expected) {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(request(asked));
        })) {
            Refusal.expect(server, "sslmode=prefer channel_binding=require", PgAuthenticationException.class, expected);
        }
    }

    @ParameterizedTest(name = "authentication code {0} ({1}) is unsupported")
    @CsvSource({"2,KerberosV5", "6,SCMCredential", "7,GSS", "8,GSSContinue", "9,SSPI", "42,unknown authentication code 42"})
    void unsupportedAuthenticationCodes(int code, String name) {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authentication(code, new byte[]{0, 0}));
        })) {
            Refusal.expect(server, "sslmode=disable", PgAuthenticationException.class, "unsupported authentication method " + name);
        }
    }

    @Test
    void oauthOnlySaslOfferIsUnsupported() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationSasl("OAUTHBEARER"));
        })) {
            Refusal.expect(server, "sslmode=disable", PgAuthenticationException.class, "unsupported authentication method",
                    "OAUTHBEARER");
        }
    }

    @Test
    void channelBindingOnlyOfferWithoutTlsIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(request("scram-plus"));
        })) {
            Refusal.expect(server, "sslmode=disable", PgAuthenticationException.class, "offers only SCRAM-SHA-256-PLUS", "needs TLS");
        }
    }

    @Test
    void md5RequestWithShortSaltIsMalformed() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationMd5(new byte[]{1, 2}));
        })) {
            Refusal.expect(server, "sslmode=disable", PgProtocolException.class, "malformed", "AuthenticationMD5Password");
        }
    }

    @Test
    void secondPasswordRequestIsRefused() {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readStartupRefusingTls();
            c.send(Backend.authenticationCleartext());
            c.readMessage();
            c.send(Backend.authenticationSasl("SCRAM-SHA-256"));
        })) {
            Refusal.expect(server, "sslmode=disable", PgProtocolException.class, "started SASL authentication after password");
        }
    }
}
