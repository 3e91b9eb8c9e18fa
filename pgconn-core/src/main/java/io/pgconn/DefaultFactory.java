package io.pgconn;

import io.pgconn.config.ConnConfig;

/** The process-wide factory behind {@link PgConnection#connect(String)}: daemon threads, never closed. */
final class DefaultFactory {

    static final PgConnectionFactory INSTANCE = PgConnectionFactory.builder(ConnConfig.builder().build()).build();

    private DefaultFactory() {
    }
}
