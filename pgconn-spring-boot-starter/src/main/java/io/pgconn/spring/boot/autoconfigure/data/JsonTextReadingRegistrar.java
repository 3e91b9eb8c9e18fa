package io.pgconn.spring.boot.autoconfigure.data;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.convert.converter.ConverterRegistry;
import org.springframework.data.r2dbc.convert.MappingR2dbcConverter;

/**
 * Adds {@link JsonTextReadingConverter} to the conversion service of each Spring Data R2DBC converter
 * bean ({@code r2dbcConverter}, Boot's or {@code AbstractR2dbcConfiguration}'s). A converter bean, not the
 * dialect, because only the converter knows the application's converters: an application with a
 * {@code Json → X} reading converter builds its own {@code R2dbcCustomConversions} (with
 * {@code PostgresDialect.INSTANCE} as often as with {@link PgConnR2dbcDialect#INSTANCE}), and a dialect's
 * converters are made before the application's are known. A {@code MappingR2dbcConverter} an application
 * makes outside the context ({@code new R2dbcEntityTemplate(connectionFactory)}) is not a bean and keeps
 * Spring Data's behaviour: a reading converter from {@code String} works there (migrating-from-r2dbc-postgresql.md §2).
 */
final class JsonTextReadingRegistrar implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof MappingR2dbcConverter converter && converter.getConversionService() instanceof ConverterRegistry registry) {
            registry.addConverter(new JsonTextReadingConverter(converter.getConversions(), converter.getConversionService()));
        }
        return bean;
    }
}
