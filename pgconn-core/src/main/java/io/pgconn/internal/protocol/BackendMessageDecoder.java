package io.pgconn.internal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.pgconn.PgProtocolException;
import io.pgconn.internal.protocol.backend.*;
import io.pgconn.internal.transport.BusyPollStrategy;

import java.util.List;

/**
 * Frames and decodes <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">backend
 * messages</a>: a type byte, an int32 length that counts itself, then the body.
 *
 * <p>The length is validated before the decoder waits for (or buffers) the body, against a cap
 * that starts at the pre-authentication limit and is raised by {@link #authenticationComplete()}:
 * a peer that is not (yet) trusted cannot make the client buffer much.
 *
 * <p>During the startup handshake each message is handed on alone; after it the whole messages of a read go on
 * together, up to 32 at a time ({@link #deliverInBatches}).
 *
 * <p>Errors are not thrown (Netty would wrap them in a {@code DecoderException}): the first
 * malformed message is delivered once as a {@link PgProtocolException} through
 * {@code fireExceptionCaught} (after the whole messages before it), after which every further byte is discarded and nothing is emitted.
 * Closing the channel is left to the handler that receives the exception.
 *
 * <p>One instance per connection, used on its event loop only.
 */
public final class BackendMessageDecoder extends ByteToMessageDecoder {

    private enum State { HEADER, BODY, FAILED }

    private static final int HEADER_BYTES = 5;
    private static final int MIN_BATCH_ARRAY = 8;
    /**
     * The most messages in one batch. A read's rows decoded at once are on the heap until the batch is read (before, the
     * read's undecoded bytes waited in the direct cumulation buffer): a whole 64-KB read of small rows is over 1,000
     * DataRows, which a streamed read's live heap counted (STREAM_ROWS: 126 KB against 28 KB midway, session 20). 32
     * keeps that to a few KB and still takes the pipeline hop from once per message to once per 32.
     */
    static final int MAX_BATCH = 32;

    private final String host;
    private final int maxMessageSize;
    private int cap;
    private boolean authenticated;

    /** Bytes received so far, in whole messages or not ({@link #bytesReceived}). */
    private long bytesReceived;

    /** Whether every decode step hands on all the whole messages it has as one {@link BackendMessageBatch}. */
    private boolean batches;
    /**
     * How many messages the last batch held: a new one's array starts that long (a result's reads bring alike
     * counts of rows), so that a read's messages usually take one array.
     */
    private int lastBatchSize = MIN_BATCH_ARRAY;
    /**
     * The batch being filled, and handed on again after each read of a result in progress: one batch for a long result's
     * reads instead of one per read. Dropped when a read ends with a ReadyForQuery (the session may now idle: only
     * an int kept, an idle connection holds no array) or when a receiver {@linkplain BackendMessageBatch#keep() keeps} it.
     */
    private BackendMessageBatch batch;

    private State state = State.HEADER;
    private char type;
    private int bodyLength;

    /**
     * @param host                            the {@code host:port} label for error messages
     * @param maxMessageSize                  largest body accepted once authenticated
     * @param preAuthenticationMaxMessageSize largest body accepted before; never above {@code maxMessageSize}
     */
    public BackendMessageDecoder(String host, int maxMessageSize, int preAuthenticationMaxMessageSize) {
        if (maxMessageSize <= 0 || preAuthenticationMaxMessageSize <= 0) {
            throw new IllegalArgumentException("message size limits must be positive: " + maxMessageSize
                    + ", " + preAuthenticationMaxMessageSize);
        }
        this.host = host;
        this.maxMessageSize = maxMessageSize;
        this.cap = Math.min(maxMessageSize, preAuthenticationMaxMessageSize);
    }

    /**
     * Raises the cap to {@code maxMessageSize}. Call it on the event loop when AuthenticationOk
     * arrives: messages are emitted one per decode step, so the cap applies from the next header on.
     */
    public void authenticationComplete() {
        authenticated = true;
        cap = maxMessageSize;
    }

    /**
     * From the next decode step on, the whole messages of each read go on as {@link BackendMessageBatch}es of up to 32
     * instead of one pipeline message each: the rows of a result then pass the pipeline once per 32. Call it on the event
     * loop when the startup handshake ends (nothing after it needs {@link #authenticationComplete()} between two
     * messages); the session's handler takes either form.
     */
    public void deliverInBatches() {
        batches = true;
    }

    /**
     * Counts the bytes as they arrive, before they make up a message: a server sending one large
     * message slowly is not a silent one (the session's silence rule, query.md §5). An answer read
     * opens a busy-polling loop's poll window ({@link BusyPollStrategy#answerRead(Object)}).
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            bytesReceived += bytes.readableBytes();
            BusyPollStrategy.answerRead(ctx.channel());
        }
        super.channelRead(ctx, msg);
        BackendMessageBatch handedOn = batch;
        if (handedOn != null) {
            if (handedOn.kept() || handedOn.endsReady()) {
                batch = null; // kept by its receiver, or the answers are complete and the session may idle
            } else {
                handedOn.clear(); // read: its rows are the receiver's now, not held here until the next read
            }
        }
    }

    /** Bytes received from the server so far; read on the event loop. */
    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        BackendMessageBatch filling = null;
        int decoded = 0;
        try {
            while (true) {
                if (state == State.HEADER) {
                    if (in.readableBytes() < HEADER_BYTES) {
                        break;
                    }
                    type = (char) in.readUnsignedByte();
                    bodyLength = checkedBodyLength(in.readInt());
                    state = State.BODY;
                }
                if (state == State.BODY) {
                    if (in.readableBytes() < bodyLength) {
                        break;
                    }
                    state = State.HEADER;
                    BackendMessage message = decodeBody(in, bodyLength);
                    if (!batches) {
                        // one message per call: ByteToMessageDecoder hands it on before decoding the next,
                        // so authenticationComplete() called from the handler takes effect immediately
                        out.add(message);
                        return;
                    }
                    if (filling == null) {
                        filling = nextBatch();
                    }
                    filling.add(message);
                    decoded++;
                    if (decoded == MAX_BATCH) {
                        break; // handed on; ByteToMessageDecoder calls again for the rest of the read
                    }
                    continue;
                }
                in.skipBytes(in.readableBytes()); // FAILED
                break;
            }
        } catch (PgProtocolException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            if (decoded > 0) {
                ctx.fireChannelRead(filling); // the messages before the fault first, in order
            }
            ctx.fireExceptionCaught(e);
            return;
        }
        if (decoded > 0) {
            lastBatchSize = Math.max(MIN_BATCH_ARRAY, decoded);
            out.add(filling);
        }
    }

    /**
     * The batch for this decode step's messages: the one handed on before, emptied (ByteToMessageDecoder has handed it on
     * and its receiver has read it by the time it calls decode again), unless its receiver keeps it.
     */
    private BackendMessageBatch nextBatch() {
        BackendMessageBatch reused = batch;
        if (reused == null || reused.kept()) {
            return batch = new BackendMessageBatch(lastBatchSize);
        }
        reused.clear();
        return reused;
    }

    private int checkedBodyLength(int length) {
        if (length < 4) {
            throw new PgProtocolException(host, "invalid length " + length + " of message " + describe(type)
                    + " from " + host + " (the length counts itself, so it is at least 4)");
        }
        int body = length - 4;
        if (body > cap) {
            throw new PgProtocolException(host, "message " + describe(type) + " from " + host + " declares length "
                    + length + ", over the limit of " + cap + " bytes"
                    + (authenticated ? "" : " before authentication" + ForeignAnswer.note(type, length)));
        }
        return body;
    }

    /**
     * Decodes the next {@code length} bytes of {@code in}. Instead of a slice per message (an
     * allocation per DataRow), the writer index is pulled in to the body's end for the call and put
     * back after: body decoders see exactly the body, and none of them keeps the buffer.
     */
    private BackendMessage decodeBody(ByteBuf in, int length) {
        int end = in.readerIndex() + length;
        int writerIndex = in.writerIndex();
        in.writerIndex(end);
        try {
            return decodeBody(in);
        } finally {
            in.writerIndex(writerIndex);
            in.readerIndex(end);
        }
    }

    private BackendMessage decodeBody(ByteBuf body) {
        BackendMessage message;
        try {
            message = switch (type) {
                case 'R' -> AuthenticationRequest.decode(body, host);
                case 'K' -> BackendKeyData.decode(body, host);
                case 'S' -> ParameterStatus.decode(body, host);
                case 'Z' -> ReadyForQuery.decode(body, host);
                case 'E' -> ErrorResponse.decode(body, host);
                case 'N' -> NoticeResponse.decode(body, host);
                case 'v' -> NegotiateProtocolVersion.decode(body, host);
                case 'A' -> NotificationResponse.decode(body, host);
                case 'T' -> RowDescription.decode(body, host);
                case 'D' -> DataRow.decode(body, host);
                case 'C' -> CommandComplete.decode(body, host);
                case 'I' -> EmptyQueryResponse.decode(body, host);
                case 'G', 'H', 'W' -> CopyResponse.decode(type, body, host);
                case 'd' -> CopyData.decode(body, host);
                case 'c' -> CopyDone.decode(body, host);
                case '1' -> ParseComplete.decode(body, host);
                case '2' -> BindComplete.decode(body, host);
                case '3' -> CloseComplete.decode(body, host);
                case 'n' -> NoData.decode(body, host);
                case 's' -> PortalSuspended.decode(body, host);
                case 't' -> ParameterDescription.decode(body, host);
                default -> throw new PgProtocolException(host, "unknown message type " + describe(type)
                        + " from " + host);
            };
        } catch (PgProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            // a body decoder bug must still surface as the one protocol error, never as another type
            throw new PgProtocolException(host, "malformed message " + describe(type) + " from " + host
                    + ": " + e, e);
        }
        if (body.isReadable()) {
            throw new PgProtocolException(host, "malformed " + message.getClass().getSimpleName() + " from "
                    + host + ": " + body.readableBytes() + " trailing bytes in the body");
        }
        return message;
    }

    /** The type byte as a quoted character when printable, else in hex: it may be garbage. */
    private static String describe(char type) {
        return type > 0x20 && type < 0x7F ? "'" + type + "'" : String.format("0x%02x", (int) type);
    }

    /** Bytes held in the cumulation buffer; for tests that bound what a peer can make us buffer. */
    int bufferedBytes() {
        return internalBuffer().readableBytes();
    }
}
