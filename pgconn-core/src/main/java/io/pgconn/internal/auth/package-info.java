/**
 * Authentication: the client's policy ({@link io.pgconn.config.RequireAuth},
 * {@link io.pgconn.config.ChannelBindingMode}, {@link io.pgconn.internal.auth.AuthPolicy}) and the
 * mechanisms PostgreSQL asks for — cleartext, {@link io.pgconn.internal.auth.Md5Password}, and SCRAM-SHA-256(-PLUS)
 * ({@link io.pgconn.internal.auth.ScramSession}, {@link io.pgconn.internal.auth.SaltedPasswordCache},
 * {@link io.pgconn.internal.auth.TlsServerEndPoint}, {@link io.pgconn.internal.auth.SaslPrep}).
 *
 * <p>Flow for AuthenticationSASL in the startup loop:
 * {@code selectScramMechanism} → {@code enforceAuthAllowed(selection.authMethod(), ...)} →
 * {@code new ScramSession(...)} → {@code clientFirstMessage()} → SASLContinue →
 * {@code clientFinalMessage(data)} → SASLFinal → {@code verifyServerFinal(data)} →
 * AuthenticationOk accepted only if {@code isVerified()}.
 *
 * @see <a href="https://www.postgresql.org/docs/current/sasl-authentication.html">PostgreSQL SASL authentication</a>
 */
package io.pgconn.internal.auth;
