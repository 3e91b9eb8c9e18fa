package io.pgconn.internal.transport;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * REVIEW-12 L3: the JDK's refusal text is kept once learnt, and only then: a learning that failed for a passing
 * reason (the building thread interrupted, an Error) is tried again by the next NIO factory's build. It used to be
 * kept for the JVM's life — the C locale's text under a translated locale; an Error failed the class's
 * initialisation and so every later NIO factory's build, with NoClassDefFoundError.
 */
class JdkRefusalTextTest {

    private static final String GERMAN = "Verbindungsaufbau abgelehnt";

    @Test
    void learningOnAnInterruptedThreadLearnsNothingAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        String learnt;
        try {
            learnt = JdkRefusalText.learn();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt flag, still set").isTrue();
        }
        assertThat(learnt).as("not the C locale's text taken for this JVM's").isNull();
        assertThat(JdkRefusalText.learn()).as("learnt once not interrupted").isNotNull();
    }

    @Test
    void anErrorWhileLearningGoesOnUpAndTheNextBuildLearnsAgain() {
        OutOfMemoryError noMemory = new OutOfMemoryError("learning the refusal text");
        AtomicInteger calls = new AtomicInteger();
        JdkRefusalText refusals = new JdkRefusalText(() -> {
            if (calls.incrementAndGet() == 1) {
                throw noMemory;
            }
            return GERMAN;
        });

        assertThat(catchThrowable(refusals::learnIfNotYet)).isSameAs(noMemory);
        assertThat(refusals.text()).isEqualTo(JdkRefusalText.C_LOCALE);

        refusals.learnIfNotYet();
        assertThat(refusals.isRefusal(new ConnectException(GERMAN + ": localhost/127.0.0.1:5432"))).isTrue();
    }

    @Test
    void aLearntTextIsKeptAndNothingLearntIsTriedAgain() {
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> learning = () -> calls.incrementAndGet() == 1 ? null : GERMAN;
        JdkRefusalText refusals = new JdkRefusalText(learning);

        refusals.learnIfNotYet();
        assertThat(refusals.text()).as("nothing learnt").isEqualTo(JdkRefusalText.C_LOCALE);
        refusals.learnIfNotYet();
        refusals.learnIfNotYet();
        assertThat(refusals.text()).isEqualTo(GERMAN);
        assertThat(calls).hasValue(2);
    }
}
