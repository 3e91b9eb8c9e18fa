package io.pgconn.internal.auth;

import io.pgconn.AuthMethod;
import io.pgconn.config.ChannelBindingMode;
import io.pgconn.config.RequireAuth;
import io.pgconn.PgAuthenticationException;

import java.util.List;

import static io.pgconn.internal.auth.ScramSelection.GS2_BOUND;
import static io.pgconn.internal.auth.ScramSelection.GS2_NOT_SUPPORTED;
import static io.pgconn.internal.auth.ScramSelection.GS2_SUPPORTED_NOT_USED;
import static io.pgconn.internal.auth.ScramSelection.SCRAM_SHA_256;
import static io.pgconn.internal.auth.ScramSelection.SCRAM_SHA_256_PLUS;

/**
 * The client's authentication policy ({@code require_auth}, {@code channel_binding}) applied to
 * what a server asks for, as libpq applies it
 * (<a href="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-REQUIRE-AUTH">libpq
 * connection parameters</a>, <a href="https://www.postgresql.org/docs/current/sasl-authentication.html">SASL
 * authentication</a>). Every refusal is a {@link PgAuthenticationException} naming the requirement,
 * what the server asked for, and the host.
 */
public final class AuthPolicy {

    private AuthPolicy() {
    }

    /**
     * Refuses a server request the policy does not allow. Call it for every authentication request
     * before answering it, with {@link AuthMethod#NONE} when AuthenticationOk arrives without any
     * request, and with the selected SCRAM method after {@link #selectScramMechanism}.
     *
     * @param offered the SASL mechanism list for SASL requests (for the message); may be {@code null}
     */
    public static void enforceAuthAllowed(AuthMethod method, RequireAuth requireAuth,
                                          ChannelBindingMode channelBinding, String host, String offered) {
        if (!requireAuth.allows(method)) {
            throw new PgAuthenticationException(host, "authentication method requirement " + requireAuth
                    + " failed: server " + hostLabel(host) + serverAsked(method, offered));
        }
        if (channelBinding == ChannelBindingMode.REQUIRE && method != AuthMethod.SCRAM_SHA_256_PLUS) {
            throw new PgAuthenticationException(host, "channel_binding=require failed (only "
                    + SCRAM_SHA_256_PLUS + " binds the channel): server " + hostLabel(host) + serverAsked(method, offered));
        }
    }

    /**
     * The offered SASL mechanisms that pgconn speaks and {@code requireAuth} allows, in the server's
     * order. Mechanisms we do not speak (OAUTHBEARER, ...) are always dropped; see
     * {@link #unsupportedSaslMechanisms} to report them.
     */
    public static List<String> filterSaslByRequireAuth(List<String> mechanisms, RequireAuth requireAuth) {
        return mechanisms.stream()
                .filter(m -> {
                    AuthMethod method = AuthMethod.ofSaslMechanism(m);
                    return method != null && requireAuth.allows(method);
                })
                .toList();
    }

    /** The offered SASL mechanisms pgconn does not speak, for "unsupported authentication method" messages. */
    public static List<String> unsupportedSaslMechanisms(List<String> mechanisms) {
        return mechanisms.stream().filter(m -> AuthMethod.ofSaslMechanism(m) == null).toList();
    }

    /**
     * Chooses the SCRAM mechanism and GS2 header from a mechanism list already filtered by
     * {@link #filterSaslByRequireAuth}. Prefer {@link #selectScramMechanism(boolean, byte[], List,
     * RequireAuth, ChannelBindingMode, String)}: with only the filtered list this method cannot know
     * that the server offered -PLUS when require_auth removed it, and would then send {@code y,,},
     * which such a server rejects as a downgrade.
     */
    public static ScramSelection selectScramMechanism(boolean tlsActive, byte[] serverCertDer, List<String> mechanisms,
                                                      ChannelBindingMode mode, String host) {
        return selectScramMechanism(tlsActive, serverCertDer, mechanisms, RequireAuth.ANY, mode, host);
    }

    /**
     * Chooses the SCRAM mechanism for the server's <em>unfiltered</em> offer, applying
     * {@code requireAuth} and {@code channel_binding}:
     * <ul>
     *   <li>require: TLS, an offer of -PLUS (allowed by require_auth) and the peer certificate;</li>
     *   <li>prefer: -PLUS when all of those hold and the certificate hash is defined, else SCRAM-SHA-256;</li>
     *   <li>disable: SCRAM-SHA-256 only.</li>
     * </ul>
     * GS2 header: {@code p=tls-server-end-point,,} with -PLUS; {@code y,,} when TLS is up, binding
     * is not disabled and the server did not offer -PLUS (RFC 5802 §6 downgrade protection);
     * {@code n,,} otherwise.
     *
     * @param serverCertDer the peer's leaf certificate (DER), or {@code null} when not available
     */
    public static ScramSelection selectScramMechanism(boolean tlsActive, byte[] serverCertDer, List<String> offered,
                                                      RequireAuth requireAuth, ChannelBindingMode mode, String host) {
        List<String> allowed = filterSaslByRequireAuth(offered, requireAuth);
        String offerText = offered.isEmpty() ? "offered no SASL mechanism"
                : "offered SASL mechanisms: " + String.join(", ", offered);
        if (unsupportedSaslMechanisms(offered).size() == offered.size()) {
            throw new PgAuthenticationException(host, "unsupported authentication method: server " + hostLabel(host)
                    + offerText + "; pgconn supports " + SCRAM_SHA_256 + " and " + SCRAM_SHA_256_PLUS);
        }
        if (allowed.isEmpty()) {
            throw new PgAuthenticationException(host, "authentication method requirement " + requireAuth
                    + " failed: server " + hostLabel(host) + offerText);
        }
        boolean serverOffersPlus = offered.contains(SCRAM_SHA_256_PLUS);
        boolean plusAllowed = allowed.contains(SCRAM_SHA_256_PLUS);
        boolean plainAllowed = allowed.contains(SCRAM_SHA_256);
        boolean certPresent = serverCertDer != null && serverCertDer.length > 0;

        if (mode == ChannelBindingMode.REQUIRE) {
            String failed = !tlsActive ? "the connection is not encrypted with TLS"
                    : !serverOffersPlus ? "the server did not offer " + SCRAM_SHA_256_PLUS
                    : !plusAllowed ? requireAuth + " does not allow " + SCRAM_SHA_256_PLUS
                    : !certPresent ? "the server certificate is not available" : null;
            if (failed != null) {
                throw new PgAuthenticationException(host, "channel_binding=require failed: " + failed
                        + " (server " + hostLabel(host) + offerText + ")");
            }
            return new ScramSelection(SCRAM_SHA_256_PLUS, GS2_BOUND, TlsServerEndPoint.hash(host, serverCertDer));
        }
        PgAuthenticationException bindingFailure = null;
        if (mode == ChannelBindingMode.PREFER && tlsActive && plusAllowed && certPresent) {
            try {
                return new ScramSelection(SCRAM_SHA_256_PLUS, GS2_BOUND, TlsServerEndPoint.hash(host, serverCertDer));
            } catch (PgAuthenticationException e) {
                // e.g. an Ed25519 certificate: prefer means "when possible", so SCRAM-SHA-256 with n,,
                bindingFailure = e;
            }
        }
        if (!plainAllowed && bindingFailure != null) {
            throw bindingFailure;
        }
        if (!plainAllowed) {
            throw new PgAuthenticationException(host, "channel_binding=" + mode.libpqName() + " failed: server "
                    + hostLabel(host) + "offers only " + SCRAM_SHA_256_PLUS + ", which "
                    + (mode == ChannelBindingMode.DISABLE ? "channel_binding=disable excludes"
                    : tlsActive ? "needs the server certificate for channel binding" : "needs TLS")
                    + " (" + offerText + (allowed.size() < offered.size() ? ", allowed by " + requireAuth : "") + ")");
        }
        // "y": we could bind but the server did not offer it; a server that did offer -PLUS
        // (stripped by an attacker) then refuses the login instead of being downgraded.
        boolean couldBind = tlsActive && mode != ChannelBindingMode.DISABLE && !serverOffersPlus;
        return new ScramSelection(SCRAM_SHA_256, couldBind ? GS2_SUPPORTED_NOT_USED : GS2_NOT_SUPPORTED, null);
    }

    private static String serverAsked(AuthMethod method, String offered) {
        String what = switch (method) {
            case NONE -> "did not ask for authentication";
            case PASSWORD -> "requested cleartext password authentication";
            case MD5 -> "requested md5 password authentication";
            case SCRAM_SHA_256 -> "requested SASL authentication with " + SCRAM_SHA_256;
            case SCRAM_SHA_256_PLUS -> "requested SASL authentication with " + SCRAM_SHA_256_PLUS;
        };
        return offered == null || offered.isEmpty() ? what : what + " (offered SASL mechanisms: " + offered + ")";
    }

    private static String hostLabel(String host) {
        return host == null ? "" : host + " ";
    }
}
