package io.pgconn.spring.boot.autoconfigure.r2dbc.json;

import io.pgconn.codec.Json;
import io.pgconn.spring.boot.autoconfigure.data.PgConnR2dbcDialect;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.r2dbc.convert.R2dbcCustomConversions;
import org.springframework.data.r2dbc.dialect.PostgresDialect;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An application as it comes from r2dbc-postgresql (NEW-USER-27 F1): its own {@code R2dbcCustomConversions} bean with
 * a converter pair around the driver's {@code Json} — only the import changed to pgconn's — and the dialect it had,
 * Spring Data's {@code PostgresDialect} ({@code json-test.dialect=pgconn}: the one pgconn's docs name).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class JsonConvertersTestApplication {

    @Bean
    R2dbcCustomConversions r2dbcCustomConversions(@Value("${json-test.dialect:postgres}") String dialect) {
        return R2dbcCustomConversions.of(dialect.equals("pgconn") ? PgConnR2dbcDialect.INSTANCE : PostgresDialect.INSTANCE,
                List.of(AddressToJson.INSTANCE, JsonToAddress.INSTANCE));
    }

    @WritingConverter
    enum AddressToJson implements Converter<Address, Json> {
        INSTANCE;

        @Override
        public Json convert(Address address) {
            return Json.of("{\"street\": \"" + address.street() + "\", \"city\": \"" + address.city() + "\"}");
        }
    }

    @ReadingConverter
    enum JsonToAddress implements Converter<Json, Address> {
        INSTANCE;

        /** jsonb keeps its own key order: each key found on its own. */
        @Override
        public Address convert(Json json) {
            return new Address(field(json, "street"), field(json, "city"));
        }

        private static String field(Json json, String key) {
            Matcher matcher = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json.text());
            if (!matcher.find()) {
                throw new IllegalArgumentException("no " + key + " in " + json.text());
            }
            return matcher.group(1);
        }
    }
}
