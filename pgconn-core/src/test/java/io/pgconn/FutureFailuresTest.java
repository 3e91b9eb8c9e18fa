package io.pgconn;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class FutureFailuresTest {

    private final PgException failure = new PgConnectException("db:5432", "connection refused to db:5432");

    @Test
    void aDependentStagesFailureIsUnwrappedToTheCause() {
        CompletableFuture<Object> failed = CompletableFuture.failedFuture(failure);
        Throwable seen = catchThrowable(() -> failed.thenApply(x -> x).join());
        assertThat(seen).isInstanceOf(CompletionException.class);
        assertThat(FutureFailures.unwrap(seen)).isSameAs(failure);
    }

    @Test
    void getsExecutionExceptionAndNestedWrappersAreUnwrapped() {
        Throwable seen = catchThrowable(() -> CompletableFuture.failedFuture(failure).get());
        assertThat(seen).isInstanceOf(ExecutionException.class);
        assertThat(FutureFailures.unwrap(seen)).isSameAs(failure);
        assertThat(FutureFailures.unwrap(new CompletionException(new ExecutionException(failure)))).isSameAs(failure);
    }

    @Test
    void anythingElseAndAWrapperWithoutACauseStayAsTheyAre() {
        assertThat(FutureFailures.unwrap(failure)).isSameAs(failure);
        CompletionException bare = new CompletionException("no cause", null);
        assertThat(FutureFailures.unwrap(bare)).isSameAs(bare);
        assertThat(FutureFailures.unwrap(null)).isNull();
    }
}
