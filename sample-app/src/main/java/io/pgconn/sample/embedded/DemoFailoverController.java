package io.pgconn.sample.embedded;

import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo failover of the embedded cluster. Absent (404) when the application runs on your servers.
 */
@RestController
@RequestMapping("/api/demo")
@ConditionalOnEmbeddedCluster
class DemoFailoverController {

    private final EmbeddedCluster cluster;

    DemoFailoverController(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    /** Whether the failover button should be offered, and what happened if it was pressed. */
    @GetMapping
    DemoState state() {
        return new DemoState(cluster.failoverAvailable(), cluster.lastFailover());
    }

    /** Stops the primary like a crash and promotes the standby (a few hundred milliseconds; off the request thread). */
    @PostMapping("/failover")
    CompletableFuture<FailoverResult> failover() {
        return CompletableFuture.supplyAsync(cluster::failover);
    }

    @ExceptionHandler(FailoverUnavailableException.class)
    ProblemDetail alreadyFailedOver(FailoverUnavailableException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    /**
     * @param failoverAvailable whether {@code POST /api/demo/failover} will fail over
     * @param lastFailover      the failover of this run, or {@code null}
     */
    record DemoState(boolean failoverAvailable, FailoverResult lastFailover) {
    }
}
