package io.pgconn.internal.auth;

import io.pgconn.AuthMethod;
import java.util.Objects;

/**
 * The outcome of {@link AuthPolicy#selectScramMechanism}: which SASL mechanism to name in the
 * SASLInitialResponse, the GS2 header that starts the client-first message
 * (<a href="https://www.rfc-editor.org/rfc/rfc5802#section-7">RFC 5802 §7</a>), and the
 * channel-binding data ({@code tls-server-end-point} hash, RFC 5929) for the -PLUS mechanism.
 *
 * @param mechanism          {@link #SCRAM_SHA_256} or {@link #SCRAM_SHA_256_PLUS}
 * @param gs2Header          {@code p=tls-server-end-point,,}, {@code y,,} or {@code n,,}
 * @param channelBindingData the certificate hash for -PLUS; {@code null} otherwise
 */
public record ScramSelection(String mechanism, String gs2Header, byte[] channelBindingData) {

    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";

    /** GS2 header for channel binding with {@code tls-server-end-point}. */
    public static final String GS2_BOUND = "p=tls-server-end-point,,";
    /** GS2 header: client supports channel binding but believes the server does not (anti-downgrade). */
    public static final String GS2_SUPPORTED_NOT_USED = "y,,";
    /** GS2 header: client does not use channel binding. */
    public static final String GS2_NOT_SUPPORTED = "n,,";

    public ScramSelection {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(gs2Header, "gs2Header");
        // Compact constructor: fields are not assigned yet, so test the parameters.
        boolean channelBound = SCRAM_SHA_256_PLUS.equals(mechanism);
        if (channelBound != (channelBindingData != null)) {
            throw new IllegalArgumentException("channel-binding data must be present exactly for " + SCRAM_SHA_256_PLUS);
        }
        if (channelBound != gs2Header.equals(GS2_BOUND)) {
            throw new IllegalArgumentException("gs2 header " + gs2Header + " does not fit mechanism " + mechanism);
        }
    }

    /** Whether this is SCRAM-SHA-256-PLUS. */
    public boolean isChannelBound() {
        return SCRAM_SHA_256_PLUS.equals(mechanism);
    }

    /** The {@code require_auth} method this selection authenticates with. */
    public AuthMethod authMethod() {
        return isChannelBound() ? AuthMethod.SCRAM_SHA_256_PLUS : AuthMethod.SCRAM_SHA_256;
    }

    @Override
    public String toString() {
        // The array would print as an identity hash; the hash length is what a reader may want.
        return "ScramSelection[" + mechanism + ", gs2=" + gs2Header
                + (channelBindingData == null ? "" : ", cbind=" + channelBindingData.length + " bytes") + "]";
    }
}
