package io.pgconn.sample.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;

/**
 * Matches unless {@code sample.embedded-cluster.enabled=false} (set by the {@code external} profile):
 * the embedded cluster, its connection details and the demo failover exist only then.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ConditionalOnBooleanProperty(name = "sample.embedded-cluster.enabled", matchIfMissing = true)
public @interface ConditionalOnEmbeddedCluster {
}
