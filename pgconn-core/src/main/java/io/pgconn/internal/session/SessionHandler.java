package io.pgconn.internal.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.pgconn.Notification;
import io.pgconn.NotificationListener;
import io.pgconn.PgClosedException;
import io.pgconn.PgErrors;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.QueryResult;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.CopyResponse;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.internal.protocol.backend.EmptyQueryResponse;
import io.pgconn.internal.protocol.backend.ErrorResponse;
import io.pgconn.internal.protocol.backend.NoticeResponse;
import io.pgconn.internal.protocol.backend.NotificationResponse;
import io.pgconn.internal.protocol.backend.ParameterStatus;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.internal.protocol.frontend.Query;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The established session: runs simple queries one after another, keeps the ParameterStatus map
 * current, delivers notifications, and turns the end of the channel into a clear error for
 * everything still in flight (with the SQLSTATE when the server said why, e.g. 57P01).
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {

    private final String host;
    private final Map<String, String> parameters;
    private final Map<String, NotificationListener> listeners = new ConcurrentHashMap<>();
    private final ArrayDeque<SimpleQuery> inFlight = new ArrayDeque<>();
    private volatile Channel channel;
    private volatile PgException closeCause;
    private volatile String closeReason = "closed";

    public SessionHandler(String host, Map<String, String> parameters) {
        this.host = host;
        this.parameters = parameters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /** Runs {@code sql}; safe from any thread. */
    public CompletableFuture<QueryResult> simpleQuery(String sql) {
        SimpleQuery query = new SimpleQuery(sql);
        Query message;
        try {
            message = new Query(sql);
        } catch (PgException e) {
            query.result.completeExceptionally(e);
            return query.result;
        }
        Channel ch = channel;
        ch.eventLoop().execute(() -> {
            if (!ch.isActive()) {
                query.result.completeExceptionally(closedError());
                return;
            }
            inFlight.add(query);
            ch.writeAndFlush(message);
        });
        return query.result;
    }

    /** Whether a statement is running on the server (event loop only). */
    boolean busy() {
        return !inFlight.isEmpty();
    }

    public void addListener(String channelName, NotificationListener listener) {
        NotificationListener previous = listeners.put(channelName, listener);
        if (previous != null && previous != listener) {
            previous.onComplete(null);
        }
    }

    public void removeListener(String channelName) {
        NotificationListener previous = listeners.remove(channelName);
        if (previous != null) {
            previous.onComplete(null);
        }
    }

    /** Stops notification delivery: listeners get their completion signal and no further callbacks. */
    public void stopListening(Throwable cause) {
        for (String name : listeners.keySet()) {
            NotificationListener listener = listeners.remove(name);
            if (listener != null) {
                try {
                    listener.onComplete(cause);
                } catch (RuntimeException ignored) {
                    // a listener's failure must not stop the others from hearing about the close
                }
            }
        }
    }

    /** Marks the close as asked for by the user, so in-flight work fails with "connection closed". */
    public void closingByUser(String reason) {
        closeReason = reason;
    }

    /** The error the server sent before it ended the session (e.g. 57P01 admin shutdown), if any. */
    public PgException closeCause() {
        return closeCause;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            dispatch(ctx, msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        SimpleQuery current = inFlight.peek();
        if (msg instanceof ParameterStatus status) {
            parameters.put(status.name(), status.value());
        } else if (msg instanceof NotificationResponse n) {
            NotificationListener listener = listeners.get(n.channel());
            if (listener != null) {
                try {
                    listener.onNotification(new Notification(n.channel(), n.payload(), n.processId()));
                } catch (RuntimeException ignored) {
                    // a listener's failure must not break the session
                }
            }
        } else if (msg instanceof NoticeResponse) {
            return; // notices are informational
        } else if (msg instanceof ErrorResponse error && current == null) {
            // unsolicited: the server is about to end the session (57P01 admin shutdown, 57P05 idle timeout ...)
            closeCause = PgErrors.fromServer(host, error.fields(), false);
        } else if (current == null) {
            protocolError(ctx, "server " + host + " sent " + msg.getClass().getSimpleName() + " with no query in flight");
        } else if (msg instanceof RowDescription description) {
            current.rowDescription(description);
        } else if (msg instanceof DataRow row) {
            current.dataRow(row);
        } else if (msg instanceof CommandComplete complete) {
            current.commandComplete(complete);
        } else if (msg instanceof EmptyQueryResponse) {
            current.emptyQuery();
        } else if (msg instanceof ErrorResponse error) {
            current.error(host, error.fields());
            if (isFatal(error)) {
                closeCause = PgErrors.fromServer(host, error.fields(), false); // the server ends the session after this
            }
        } else if (msg instanceof ReadyForQuery) {
            inFlight.poll();
            current.ready();
        } else if (msg instanceof CopyResponse) {
            current.fail(new PgProtocolException(host, "COPY is not supported by simpleQuery (statement: " + current.sql + ")"));
            ctx.close();
        } else {
            protocolError(ctx, "server " + host + " sent unexpected " + msg.getClass().getSimpleName());
        }
    }

    private static boolean isFatal(ErrorResponse error) {
        String severity = error.fields().severity();
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    private void protocolError(ChannelHandlerContext ctx, String message) {
        closeCause = new PgProtocolException(host, message);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closeCause == null) {
            closeCause = cause instanceof PgException pg ? pg : new PgClosedException(host, "connection to " + host + " failed: " + cause, cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        SimpleQuery query = inFlight.poll();
        if (query != null) { // the error (and its stack trace) only when someone will see it
            PgException error = closedError();
            do {
                query.result.completeExceptionally(error);
            } while ((query = inFlight.poll()) != null);
        }
        stopListening(closeCause);
        ctx.fireChannelInactive();
    }

    private PgException closedError() {
        PgException cause = closeCause;
        if (cause == null) {
            return new PgClosedException(host, "connection to " + host + " " + closeReason);
        }
        return new PgClosedException(host, "connection to " + host + " closed: " + cause.getMessage(), cause.serverFields(), cause);
    }
}
