package io.pgconn.spring.boot.autoconfigure.data;

import io.pgconn.codec.Json;
import io.pgconn.codec.PgVector;
import io.pgconn.r2dbc.PgConnR2dbcConnectionFactoryMetadata;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.data.r2dbc.convert.R2dbcCustomConversions;
import org.springframework.data.r2dbc.dialect.DialectResolver;
import org.springframework.data.r2dbc.dialect.PostgresDialect;

import static org.assertj.core.api.Assertions.assertThat;

/** Which factories get pgconn's dialect, and what the dialect adds to Spring Data's PostgreSQL one. */
class PgConnDialectProviderTest {

    private static ConnectionFactory factoryWith(ConnectionFactoryMetadata metadata) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                throw new UnsupportedOperationException();
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return metadata;
            }
        };
    }

    @Test
    void pgconnsFactoriesGetPgconnsDialectOtherPostgresqlDriversKeepSpringDatas() {
        assertThat(DialectResolver.getDialect(factoryWith(PgConnR2dbcConnectionFactoryMetadata.INSTANCE)))
                .isSameAs(PgConnR2dbcDialect.INSTANCE);
        // r2dbc-postgresql's metadata says PostgreSQL too
        assertThat(DialectResolver.getDialect(factoryWith(() -> "PostgreSQL"))).isSameAs(PostgresDialect.INSTANCE);
        assertThat(PgConnDialectProvider.PGCONN_METADATA).isEqualTo(PgConnR2dbcConnectionFactoryMetadata.class.getName());
    }

    @Test
    void pgVectorAndJsonAreSimpleTypesReadFromWhatTheDriverReturns() {
        R2dbcCustomConversions conversions = R2dbcCustomConversions.of(PgConnR2dbcDialect.INSTANCE);
        assertThat(conversions.isSimpleType(PgVector.class)).isTrue();
        assertThat(conversions.isSimpleType(Json.class)).isTrue();
        assertThat(R2dbcCustomConversions.of(PostgresDialect.INSTANCE).isSimpleType(PgVector.class)).isFalse();
        assertThat(conversions.hasCustomReadTarget(float[].class, PgVector.class)).isTrue();
        assertThat(conversions.hasCustomReadTarget(String.class, Json.class)).isTrue();
        assertThat(PgConnR2dbcDialect.FloatsToPgVector.INSTANCE.convert(new float[] {1f, 2f})).isEqualTo(PgVector.of(1f, 2f));
        assertThat(PgConnR2dbcDialect.TextToJson.INSTANCE.convert("{}")).isEqualTo(Json.of("{}"));
    }
}
