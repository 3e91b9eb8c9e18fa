package io.pgconn.query;

import io.pgconn.ServerErrorFields;

/**
 * Receives the server's NoticeResponses (WARNING, NOTICE, INFO ... with all fields), on the
 * connection's event loop: do not block.
 */
@FunctionalInterface
public interface NoticeListener {
    void onNotice(ServerErrorFields notice);
}
