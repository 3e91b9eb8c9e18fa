package io.pgconn.internal.connect;

import io.netty.handler.ssl.SslContext;

/**
 * What a TLS attempt takes from its files, read before the dial ({@link ConnectResources#tls}): the context, and what
 * verifies the server's chain as a handshake failure names it ({@code SslContextFactory.chainVerifier}; null: nothing).
 */
record PreparedTls(SslContext context, String chainVerifier) {
}
