package io.pgconn.spring.boot.autoconfigure.r2dbc;

import io.pgconn.PgConnection;
import io.pgconn.query.TransactionOptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The view of a transaction's session that {@code withSession} lends inside {@code inTransaction}: what would end the
 * transaction never reaches the session, everything else does, and it declares every method of {@link PgConnection}
 * (a method added there is decided on here, not inherited as a default that reaches the session some other way).
 */
class TransactionSessionViewTest {

    private final List<String> calls = new ArrayList<>();

    private final PgConnection session = (PgConnection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {PgConnection.class}, (proxy, method, args) -> {
                if (method.getName().equals("toString")) {
                    return "session 42";
                }
                calls.add(method.getName());
                if (method.getReturnType() == boolean.class) {
                    return false;
                }
                return method.getReturnType() == CompletableFuture.class ? CompletableFuture.completedFuture(null) : null;
            });

    private final TransactionSessionView view = new TransactionSessionView(session);

    @Test
    void whatWouldEndTheTransactionIsRefusedWithoutReachingTheSession() {
        for (CompletableFuture<Void> refused : List.of(view.commit(), view.rollback(), view.close(), view.begin(),
                view.beginWithFirstStatement(TransactionOptions.DEFAULT))) {
            assertThatThrownBy(refused::join).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("session 42")
                    .hasMessageContaining("the transaction inTransaction holds open on this thread");
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void everythingElseReachesTheSession() {
        view.simpleQuery("SELECT 1");
        view.query("SELECT $1", 1);
        view.setSavepoint("s");
        view.rollbackToSavepoint("s");
        view.releaseSavepoint("s");
        view.transactionStatusAfterInFlight();
        view.isClosed();
        assertThat(calls).containsExactly("simpleQuery", "query", "setSavepoint", "rollbackToSavepoint", "releaseSavepoint",
                "transactionStatusAfterInFlight", "isClosed");
        assertThat(view).hasToString("session 42");
        assertThat(TransactionSessionView.underlying(view)).isSameAs(session);
        assertThat(TransactionSessionView.underlying(session)).isSameAs(session);
    }

    /** The view a withSession nested in another withSession's work gets: only close() is refused (session 23). */
    @Test
    void theOuterSessionsViewRefusesOnlyClose() {
        TransactionSessionView outer = TransactionSessionView.ofOuterSession(session);
        assertThatThrownBy(outer.close()::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("session 42")
                .hasMessageContaining("an outer withSession (or withOwnSession) lends on this thread");
        assertThat(calls).isEmpty();
        outer.begin().join();
        outer.beginWithFirstStatement(TransactionOptions.DEFAULT).join();
        outer.commit().join();
        outer.rollback().join();
        assertThat(calls).containsExactly("begin", "beginWithFirstStatement", "commit", "rollback");
        assertThat(TransactionSessionView.underlying(outer)).isSameAs(session);
    }

    @Test
    void everyMethodOfTheSessionIsDeclared() throws NoSuchMethodException {
        for (Method method : PgConnection.class.getMethods()) {
            if (!Modifier.isStatic(method.getModifiers())) {
                assertThat(TransactionSessionView.class.getDeclaredMethod(method.getName(), method.getParameterTypes()))
                        .as(method.getName() + Arrays.toString(method.getParameterTypes())).isNotNull();
            }
        }
    }
}
