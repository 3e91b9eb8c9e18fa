package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.annotation.AliasFor;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Spring Data R2DBC application under test ({@link #value()}, no web server) on the starter's pool: the testkit
 * cluster's {@code postgres} database as {@link StarterCluster#USER}, without TLS, a pool of one to two sessions. The
 * test class still names its server's primary ({@code @DynamicPropertySource} with {@link StarterCluster#primaryOf});
 * properties of its own go into a {@code @TestPropertySource}. What the Spring Data ITs of the enum, JSON and codec
 * applications share.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = WebEnvironment.NONE, properties = {
        "pg.conn.database=postgres", "pg.conn.username=" + StarterCluster.USER, "pg.conn.password=" + StarterCluster.PASSWORD,
        "pg.conn.ssl.mode=disable", "pg.conn.pool.initial-size=1", "pg.conn.pool.max-size=2" })
public @interface SpringDataAppTest {

    /** The application's {@code @SpringBootConfiguration}. */
    @AliasFor(annotation = SpringBootTest.class, attribute = "classes")
    Class<?>[] value();
}
