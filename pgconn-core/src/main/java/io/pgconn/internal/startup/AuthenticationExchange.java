package io.pgconn.internal.startup;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgProtocolException;
import io.pgconn.AuthMethod;
import io.pgconn.internal.auth.AuthPolicy;
import io.pgconn.config.ChannelBindingMode;
import io.pgconn.internal.auth.Md5Password;
import io.pgconn.config.RequireAuth;
import io.pgconn.internal.auth.SaltedPasswordCache;
import io.pgconn.internal.auth.SaslPrep;
import io.pgconn.internal.auth.ScramSelection;
import io.pgconn.internal.auth.ScramSession;
import io.pgconn.internal.protocol.backend.AuthenticationCleartextPassword;
import io.pgconn.internal.protocol.backend.AuthenticationMd5Password;
import io.pgconn.internal.protocol.backend.AuthenticationOk;
import io.pgconn.internal.protocol.backend.AuthenticationRequest;
import io.pgconn.internal.protocol.backend.AuthenticationSasl;
import io.pgconn.internal.protocol.backend.AuthenticationSaslContinue;
import io.pgconn.internal.protocol.backend.AuthenticationSaslFinal;
import io.pgconn.internal.protocol.backend.AuthenticationUnsupported;
import io.pgconn.internal.protocol.frontend.FrontendMessage;
import io.pgconn.internal.protocol.frontend.PasswordMessage;
import io.pgconn.internal.protocol.frontend.SaslInitialResponse;
import io.pgconn.internal.protocol.frontend.SaslResponse;
import io.pgconn.internal.tls.TlsOutcome;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.SafeTracer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The authentication loop of one handshake (docs/lifecycle.md §1.4): answers each authentication
 * request the server sends, after checking it against {@code require_auth} and
 * {@code channel_binding}, and insists that SCRAM ends with a verified server signature.
 */
final class AuthenticationExchange {

    /**
     * Everything the loop needs from the configuration; the password is not among it: an {@link Answer.WithPassword}
     * takes it once the handshake has it ({@link PasswordLookup}: a {@code .pgpass} line is read off the event loop,
     * docs/lifecycle.md §1.6). {@code passwordFile} is the {@code .pgpass} file a password is looked up in when none was
     * given (null when one was: the file is not read), for the line libpq adds to a refused password
     * ({@link #passwordFileUsed}).
     */
    record Settings(String user, Path passwordFile, String passwordSources, RequireAuth requireAuth,
                    ChannelBindingMode channelBinding,
                    SaltedPasswordCache saltedPasswords, int minScramIterations, int maxScramIterations) {
    }

    /**
     * How to answer one authentication request: {@link Now}, or {@link WithPassword} once the password is in hand — the
     * policy ({@code require_auth}, {@code channel_binding}, the SASL mechanism) already checked, so a request the
     * client refuses never makes it read the password file.
     */
    sealed interface Answer permits Answer.Now, Answer.WithPassword {

        /** The reply to send; null when there is none (AuthenticationOk, SASLFinal). */
        record Now(FrontendMessage reply) implements Answer {
        }

        /** The reply made from the password (null or empty: none, which fails naming where a password may be set). */
        record WithPassword(Function<String, FrontendMessage> reply) implements Answer {
        }
    }

    private final String host;
    private final Settings settings;
    private final TlsOutcome.Encrypted tls;
    private final PgTracer tracer;
    private AuthMethod method;
    private ScramSession scram;
    private boolean passwordSent;

    AuthenticationExchange(String host, Settings settings, TlsOutcome.Encrypted tls, PgTracer tracer) {
        this.host = host;
        this.settings = settings;
        this.tls = tls;
        this.tracer = tracer;
    }

    /**
     * The {@code .pgpass} file the password this exchange sent came from; empty when none was sent or it was given
     * explicitly. libpq adds {@code password retrieved from file "…"} to a refused password (28P01) from the file
     * ({@code pgpassfileWarning}): a stale line is the usual cause, and nothing else tells the user a file was read.
     */
    Optional<Path> passwordFileUsed() {
        return passwordSent ? Optional.ofNullable(settings.passwordFile()) : Optional.empty();
    }

    /** The method the server asked for, {@link AuthMethod#NONE} if it asked for nothing. */
    AuthMethod method() {
        return method == null ? AuthMethod.NONE : method;
    }

    /**
     * Answers one authentication request, or says how once the password is known.
     *
     * @return the answer: {@link Answer.Now} with the message to send ({@code null} when authentication is complete or
     *         nothing is to be sent), or {@link Answer.WithPassword}
     */
    Answer answer(AuthenticationRequest request) {
        if (request instanceof AuthenticationOk) {
            finish();
            return new Answer.Now(null);
        }
        if (request instanceof AuthenticationCleartextPassword) {
            begin(AuthMethod.PASSWORD, "");
            if (tls == null) {
                warn(AuthMethod.PASSWORD, "cleartext password sent over an unencrypted connection");
            }
            return new Answer.WithPassword(password -> new PasswordMessage(passwordBytes(password, AuthMethod.PASSWORD)));
        }
        if (request instanceof AuthenticationMd5Password md5) {
            begin(AuthMethod.MD5, "");
            warn(AuthMethod.MD5, "MD5 password authentication is deprecated; use SCRAM-SHA-256");
            return new Answer.WithPassword(given -> {
                byte[] password = passwordBytes(given, AuthMethod.MD5);
                try {
                    return new PasswordMessage(Md5Password.encode(settings.user().getBytes(StandardCharsets.UTF_8), password, md5.salt()));
                } finally {
                    Arrays.fill(password, (byte) 0);
                }
            });
        }
        if (request instanceof AuthenticationSasl sasl) {
            return startSasl(sasl.mechanisms());
        }
        if (request instanceof AuthenticationSaslContinue cont) {
            if (scram == null) {
                throw new PgProtocolException(host, "server " + host + " sent SASLContinue without starting SASL authentication");
            }
            return new Answer.Now(new SaslResponse(scram.clientFinalMessage(cont.data())));
        }
        if (request instanceof AuthenticationSaslFinal fin) {
            if (scram == null) {
                throw new PgProtocolException(host, "server " + host + " sent SASLFinal without starting SASL authentication");
            }
            scram.verifyServerFinal(fin.data());
            return new Answer.Now(null);
        }
        AuthenticationUnsupported unsupported = (AuthenticationUnsupported) request;
        throw new PgAuthenticationException(host, "server " + host + " asked for unsupported authentication method "
                + unsupported.methodName());
    }

    private Answer startSasl(List<String> offered) {
        if (method != null) {
            throw new PgProtocolException(host, "server " + host + " started SASL authentication after " + method.requireAuthName());
        }
        boolean tlsActive = tls != null;
        ScramSelection selection = AuthPolicy.selectScramMechanism(tlsActive, tlsActive ? tls.peerLeafDer() : null, offered,
                settings.requireAuth(), settings.channelBinding(), host);
        begin(selection.authMethod(), String.join(",", offered));
        return new Answer.WithPassword(given -> {
            byte[] password = SaslPrep.normalize(requirePassword(given, selection.authMethod()));
            try {
                scram = new ScramSession(host, selection, password, settings.saltedPasswords(),
                        settings.minScramIterations(), settings.maxScramIterations());
            } finally {
                Arrays.fill(password, (byte) 0);
            }
            return new SaslInitialResponse(selection.mechanism(), scram.clientFirstMessage());
        });
    }

    private void begin(AuthMethod asked, String offered) {
        AuthPolicy.enforceAuthAllowed(asked, settings.requireAuth(), settings.channelBinding(), host, offered);
        method = asked;
    }

    /** AuthenticationOk: legal only when nothing was asked, or after a complete exchange. */
    private void finish() {
        if (method == null) {
            AuthPolicy.enforceAuthAllowed(AuthMethod.NONE, settings.requireAuth(), settings.channelBinding(), host, "");
        } else if (scram != null && !scram.isVerified()) {
            throw new PgAuthenticationException(host, "server " + host
                    + " sent AuthenticationOk before completing SCRAM authentication (server signature not verified)");
        }
    }

    private byte[] passwordBytes(String password, AuthMethod asked) {
        return requirePassword(password, asked).getBytes(StandardCharsets.UTF_8);
    }

    private String requirePassword(String password, AuthMethod asked) {
        if (password == null || password.isEmpty()) {
            throw new PgAuthenticationException(host, "server " + host + " asked for " + asked.requireAuthName()
                    + " authentication of user \"" + settings.user() + "\" but no password was supplied (" + settings.passwordSources() + ")");
        }
        passwordSent = true;
        return password;
    }

    private void warn(AuthMethod asked, String reason) {
        SafeTracer.run(tracer, t -> t.insecureAuthentication(new PgTracer.InsecureAuthentication(host, asked, reason)));
    }
}
