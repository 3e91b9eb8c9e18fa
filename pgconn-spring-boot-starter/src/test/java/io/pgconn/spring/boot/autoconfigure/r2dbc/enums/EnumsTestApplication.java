package io.pgconn.spring.boot.autoconfigure.r2dbc.enums;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An application with enum and enum-array entity properties and no codec, converter or cast of its own. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class EnumsTestApplication {
}
