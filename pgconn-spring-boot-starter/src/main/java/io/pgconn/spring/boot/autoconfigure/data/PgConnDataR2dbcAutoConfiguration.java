package io.pgconn.spring.boot.autoconfigure.data;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.r2dbc.convert.MappingR2dbcConverter;

/**
 * Spring Data R2DBC on pgconn beyond the dialect ({@link PgConnDialectProvider}, found through
 * {@code spring.factories}): an application's reading converters from pgconn's {@code Json} apply to
 * {@code json}/{@code jsonb} columns, which pgconn-r2dbc reads as {@code String} ({@link JsonTextReadingConverter}).
 * With Spring Data R2DBC on the class path only.
 */
@AutoConfiguration
@ConditionalOnClass(MappingR2dbcConverter.class)
public final class PgConnDataR2dbcAutoConfiguration {

    /**
     * Static: a post-processor is made before the other beans, without this configuration. An application that
     * wants Spring Data's behaviour back defines a bean of this name (e.g. a post-processor that does nothing).
     */
    @Bean
    @ConditionalOnMissingBean(name = "pgConnJsonTextReading")
    static BeanPostProcessor pgConnJsonTextReading() {
        return new JsonTextReadingRegistrar();
    }
}
