package io.pgconn.spring.boot.autoconfigure.r2dbc;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** An application on the starter and Spring Data R2DBC: its repositories are found in this package. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(AccountService.class)
public class R2dbcTestApplication {
}
