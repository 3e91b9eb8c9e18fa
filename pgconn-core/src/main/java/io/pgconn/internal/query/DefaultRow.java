package io.pgconn.internal.query;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.codec.Oids;
import io.pgconn.codec.PgConversionException;
import io.pgconn.internal.protocol.backend.DataRow;
import io.pgconn.query.ColumnMetadata;
import io.pgconn.query.Row;
import io.pgconn.query.RowMetadata;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A {@link Row} over one DataRow's bytes, decoded on access through the connection's codecs. Safe
 * to read from any number of threads at once: the bytes never change. The built-in codecs of the
 * common types (numbers, bool, text, uuid, date, timestamps) read the row's array directly, with no
 * buffer at all; the others read a value through a {@link ByteBuf} whose indexes only one thread
 * ever moves. The first thread that needs such a buffer claims one heap view of the row's bytes (one
 * compare-and-set per row) and moves it from column to column; any other thread wraps the value
 * afresh per read (one small object), so sharing a row costs that thread an allocation per value,
 * never a wrong value. The row keeps a reference to
 * that first reader's {@code Thread} for as long as the row lives (a row cached long after a
 * short-lived or virtual thread read it keeps that ended Thread object, not its stack or
 * thread-locals); a weak reference or a thread id would cost an object or a reuse hazard per row.
 * The view is writable for speed: the Codec SPI forbids codecs to write to the value buffer.
 */
final class DefaultRow implements Row, ValueCodecs.ValueView {

    private static final VarHandle OWNER;
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(DefaultRow.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RowMetadata metadata;
    private final DataRow data;
    private final ValueCodecs.RowDecoder decoder;
    /** The thread that may use {@link #view}; set once, by compare-and-set. */
    private volatile Thread owner;
    /** The owner's heap view of the row's bytes, moved from column to column; only the owner reads or writes it. */
    private ByteBuf view;

    DefaultRow(RowMetadata metadata, DataRow data, ValueCodecs.RowDecoder decoder) {
        this.metadata = metadata;
        this.data = data;
        this.decoder = decoder;
    }

    @Override
    public RowMetadata metadata() {
        return metadata;
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        if (index < 0 || index >= data.columnCount()) {
            metadata.column(index); // throws, with a clear message
        }
        int length = data.length(index);
        if (length < 0) {
            return null;
        }
        int offset = data.offset(index);
        try {
            return decoder.decode(data, index, offset, length, this, type);
        } catch (PgProtocolException | PgConversionException e) {
            throw located(e, index);
        }
    }

    /**
     * The codecs' error for column {@code index} again, naming the host, the column and its type
     * (codecs know neither): the same class, the codec's error as the cause. Errors already naming
     * a host pass unchanged. Only ever on the failing path: the reads themselves allocate nothing for it.
     */
    private RuntimeException located(PgException e, int index) {
        if (e.host() != null) {
            return e;
        }
        ColumnMetadata column = metadata.column(index);
        String host = decoder.host();
        String message = "cannot read column " + index + " (\"" + column.name() + "\", type OID " + column.typeOid()
                + (column.format() == 1 ? ", binary" : ", text") + ") of a row from " + host + ": " + e.getMessage();
        return e instanceof PgProtocolException ? new PgProtocolException(host, message, e) : new PgConversionException(host, message, e);
    }

    @Override
    public int getInt(int index) {
        if (index >= 0 && index < data.columnCount()) {
            int oid = decoder.plainOid(index);
            int length = data.length(index);
            if (oid == Oids.INT4 && length == 4) {
                return (int) INT.get(data.data(), data.offset(index));
            }
            if (oid == Oids.INT2 && length == 2) {
                return (short) SHORT.get(data.data(), data.offset(index));
            }
        }
        try {
            return Row.super.getInt(index); // NULL, another type, a user codec: the codecs decide (and explain)
        } catch (PgConversionException e) {
            throw located(e, index); // a NULL: Row's refusal, with the host
        }
    }

    @Override
    public long getLong(int index) {
        if (index >= 0 && index < data.columnCount()) {
            int oid = decoder.plainOid(index);
            int length = data.length(index);
            if (oid == Oids.INT8 && length == 8) {
                return (long) LONG.get(data.data(), data.offset(index));
            }
            if (oid == Oids.INT4 && length == 4) {
                return (int) INT.get(data.data(), data.offset(index));
            }
        }
        try {
            return Row.super.getLong(index);
        } catch (PgConversionException e) {
            throw located(e, index);
        }
    }

    @Override
    public double getDouble(int index) {
        if (index >= 0 && index < data.columnCount() && decoder.plainOid(index) == Oids.FLOAT8 && data.length(index) == 8) {
            return Double.longBitsToDouble((long) LONG.get(data.data(), data.offset(index)));
        }
        try {
            return Row.super.getDouble(index);
        } catch (PgConversionException e) {
            throw located(e, index);
        }
    }

    @Override
    public boolean getBoolean(int index) {
        if (index >= 0 && index < data.columnCount() && decoder.plainOid(index) == Oids.BOOL && data.length(index) == 1) {
            return data.data()[data.offset(index)] != 0;
        }
        try {
            return Row.super.getBoolean(index);
        } catch (PgConversionException e) {
            throw located(e, index);
        }
    }

    /**
     * A {@code text} or {@code varchar} column read by the built-in codec is its UTF-8 bytes in either format: the string
     * is made from the row's array here, as the codec would make it, without the codec lookup and call.
     */
    @Override
    public String getString(int index) {
        if (index >= 0 && index < data.columnCount()) {
            int oid = decoder.plainOid(index);
            if (oid == Oids.TEXT || oid == Oids.VARCHAR) {
                return data.text(index); // null for SQL NULL, as get(index, String.class)
            }
        }
        return Row.super.getString(index);
    }

    /**
     * The value at {@code offset} as a readable heap buffer that no other thread moves; nothing to
     * release. Only codecs that read buffers ask (the built-in ones of the common types read the
     * array itself), so a row of such columns makes no view at all.
     */
    @Override
    public ByteBuf view(int offset, int length) {
        Thread me = Thread.currentThread();
        Thread claimed = (Thread) OWNER.getOpaque(this);
        if (claimed == me || (claimed == null && OWNER.compareAndSet(this, null, me))) {
            ByteBuf mine = view;
            if (mine == null) {
                mine = view = Unpooled.wrappedBuffer(data.data());
            }
            return mine.setIndex(offset, offset + length);
        }
        return Unpooled.wrappedBuffer(data.data()).setIndex(offset, offset + length);
    }

    @Override
    public boolean isNull(int index) {
        metadata.column(index);
        return data.isNull(index);
    }

    /** Column names and count only: values may be secrets. */
    @Override
    public String toString() {
        return "Row" + metadata.names();
    }
}
