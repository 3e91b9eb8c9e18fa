package io.pgconn.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The pgconn sample: a web service whose {@code PgConnectionFactory} comes from the starter. Unless
 * {@code sample.embedded-cluster.enabled=false} (the {@code external} profile sets it), it runs on an
 * embedded PostgreSQL primary + hot standby started before the factory and stopped after it.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
