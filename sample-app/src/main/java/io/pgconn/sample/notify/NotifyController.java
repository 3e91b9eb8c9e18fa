package io.pgconn.sample.notify;

import io.pgconn.notify.NotificationSubscriber;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * LISTEN/NOTIFY in two calls: {@code POST /api/notify {"message": "hi"}} sends a NOTIFY,
 * {@code GET /api/notifications} shows what the application's LISTEN connection received.
 */
@RestController
class NotifyController {

    private final NotificationFeed feed;

    private final NotificationSubscriber subscriber;

    NotifyController(NotificationFeed feed, NotificationSubscriber subscriber) {
        this.feed = feed;
        this.subscriber = subscriber;
    }

    @PostMapping("/api/notify")
    @ResponseStatus(HttpStatus.ACCEPTED)
    CompletableFuture<NotificationFeed.Sent> notify(@RequestBody NotifyRequest request) {
        return feed.publish(request.message());
    }

    @GetMapping("/api/notifications")
    NotificationFeed.FeedView notifications() {
        return feed.view(subscriber.state());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badMessage(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** @param message the NOTIFY payload */
    record NotifyRequest(String message) {
    }
}
