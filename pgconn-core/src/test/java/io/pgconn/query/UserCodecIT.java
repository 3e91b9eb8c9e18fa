package io.pgconn.query;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.codec.Codec;
import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.Format;
import io.pgconn.codec.PgType;
import io.pgconn.config.ConnConfig;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A codec a user registers on the factory is used for parameters and results of every connection. */
class UserCodecIT {

    @RegisterExtension
    static final PgClusterExtension PG = QueryCluster.withMajorVersion(18);

    /** Money in cents as an int8. */
    record Cents(long value) {
    }

    static final class CentsCodec implements Codec<Cents> {
        @Override
        public PgType type() {
            return PgType.INT8;
        }

        @Override
        public Class<Cents> javaType() {
            return Cents.class;
        }

        @Override
        public Format format() {
            return Format.BINARY;
        }

        @Override
        public boolean decodes(Format format, Class<?> target) {
            return format == Format.BINARY && target == Cents.class; // Long stays the built-in's
        }

        @Override
        public void encode(Cents value, ByteBuf out) {
            out.writeLong(value.value());
        }

        @Override
        public Object decode(ByteBuf value, Format format, Class<?> target) {
            return new Cents(value.readLong());
        }
    }

    @Test
    void aRegisteredCodecEncodesParametersAndDecodesColumns() {
        ConnConfig config = Connect.config(PG.primary(), QueryCluster.USER, null, "sslmode=disable extensionTypes=''");
        CodecRegistry registry = CodecRegistry.builder().register(new CentsCodec()).build();
        try (PgConnectionFactory factory = PgConnectionFactory.builder(config).threads(1).codecs(registry).build()) {
            PgConnection c = await(factory.connect());
            RowSet rows = await(c.query("SELECT $1::int8 * 2 AS doubled", new Cents(2150)));
            assertThat(rows.row(0).get("doubled", Cents.class)).isEqualTo(new Cents(4300));
            assertThat(rows.row(0).get("doubled", Long.class)).isEqualTo(4300L);
            await(c.close());
        }
    }
}
