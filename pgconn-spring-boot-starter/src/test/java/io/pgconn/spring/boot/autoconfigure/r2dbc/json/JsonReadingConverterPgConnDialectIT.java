package io.pgconn.spring.boot.autoconfigure.r2dbc.json;

import org.springframework.test.context.TestPropertySource;

/** {@link JsonReadingConverterIT} with the application's {@code R2dbcCustomConversions} on {@code PgConnR2dbcDialect.INSTANCE}. */
@TestPropertySource(properties = "json-test.dialect=pgconn")
class JsonReadingConverterPgConnDialectIT extends JsonReadingConverterIT {
}
