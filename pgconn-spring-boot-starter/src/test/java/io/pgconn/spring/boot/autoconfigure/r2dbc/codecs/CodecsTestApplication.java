package io.pgconn.spring.boot.autoconfigure.r2dbc.codecs;

import io.pgconn.codec.CodecRegistry;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.r2dbc.convert.EnumWriteSupport;
import org.springframework.data.r2dbc.convert.R2dbcCustomConversions;
import org.springframework.data.r2dbc.dialect.PostgresDialect;

import java.util.List;

/**
 * An application with a user codec for a PostgreSQL enum: a {@link CodecRegistry} bean (the
 * starter's factory's codecs) and Spring Data's {@link EnumWriteSupport}, so the enum reaches the
 * driver as itself (what r2dbc-postgresql's {@code EnumCodec} users do).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class CodecsTestApplication {

    @WritingConverter
    static final class OrderStatusWriting extends EnumWriteSupport<OrderStatus> {
    }

    @Bean
    CodecRegistry codecRegistry() {
        return CodecRegistry.builder().register(new OrderStatusCodec()).build();
    }

    @Bean
    R2dbcCustomConversions r2dbcCustomConversions() {
        return R2dbcCustomConversions.of(PostgresDialect.INSTANCE, List.of(new OrderStatusWriting()));
    }
}
