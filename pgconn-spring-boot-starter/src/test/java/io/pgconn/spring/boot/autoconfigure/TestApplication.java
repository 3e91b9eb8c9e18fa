package io.pgconn.spring.boot.autoconfigure;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** The smallest application using the starter: everything comes from auto-configuration. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {
}
