package io.pgconn.spring.boot.autoconfigure.r2dbc.vector;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An application on the starter and Spring Data R2DBC with nothing of its own for pgvector: its repositories are in this package. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class VectorTestApplication {
}
