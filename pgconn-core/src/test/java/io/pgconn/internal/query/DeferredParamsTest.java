package io.pgconn.internal.query;

import io.pgconn.codec.CodecRegistry;
import io.pgconn.codec.PgConversionException;
import io.pgconn.internal.session.PipelinedSession;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The values of a statement encoded at its write (the session's type OIDs stale): held as they were at the call
 * (REVIEW-11), whatever their shape (REVIEW-12 L6), and no longer than needed.
 */
class DeferredParamsTest {

    private final PipelinedSession session = new PipelinedSession("db:5432", Map.of(), 0, new RegistryValueCodecs(CodecRegistry.defaults()));

    /** REVIEW-12 L6: an array that contains itself was copied by recursion, to a StackOverflowError with no message. */
    @Test
    void anArrayThatContainsItselfFailsAsOnTheCallersThread() {
        Object[] looped = {"x", null};
        looped[1] = looped;
        Object[] set = {1, looped};

        assertThat(failureAtTheWrite(set)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("parameter $2 (index 1)")
                .hasMessage(failureOnTheCallersThread(set).getMessage());
    }

    @Test
    void arraysNestedDeeperThanTheStackFailAsOnTheCallersThread() {
        Object[] nested = {"x"};
        for (int depth = 0; depth < 200_000; depth++) {
            nested = new Object[] {nested};
        }
        Object[] set = {nested};

        assertThat(failureAtTheWrite(set)).isInstanceOf(PgConversionException.class)
                .hasMessageContaining("parameter $1 (index 0)")
                .hasMessage(failureOnTheCallersThread(set).getMessage());
    }

    @Test
    void theValuesHeldAreDroppedOnceEncoded() {
        Object value = new Object() {
            @Override
            public String toString() {
                return "an object of one's own";
            }
        };
        WeakReference<Object> held = new WeakReference<>(value);
        DeferredParams deferred = new DeferredParams(List.<Object[]>of(new Object[] {value}), 1, new int[1]);
        value = null;
        deferred.encode(new PipelinedSession("db:5432", Map.of(), 0, TextValueCodecs.INSTANCE));

        for (int i = 0; i < 20 && held.get() != null; i++) {
            System.gc();
        }
        assertThat(held.get()).as("the caller's value, once its bytes are encoded").isNull();
        assertThat(deferred.sets()).hasSize(1);
    }

    private Throwable failureAtTheWrite(Object[] set) {
        DeferredParams deferred = new DeferredParams(List.<Object[]>of(set), set.length, new int[set.length]);
        return catchThrowable(() -> deferred.encode(session));
    }

    private Throwable failureOnTheCallersThread(Object[] set) {
        return catchThrowable(() -> DefaultPgStatement.encode(session.host(), session.codecs(), set, set.length, new int[set.length]));
    }
}
