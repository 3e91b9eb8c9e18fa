package io.pgconn.spring.boot.autoconfigure.lazyweb;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A WebFlux application whose one endpoint reads through the starter's R2DBC pool. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(LazyWebFluxApplication.Answer.class)
public class LazyWebFluxApplication {

    /** The thread that created the starter's R2DBC pool, and whether it ran an event loop. */
    static volatile String poolCreatedOn;

    static volatile boolean poolCreatedOnAnEventLoop;

    @Bean
    static BeanPostProcessor poolCreationThread() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (beanName.equals("connectionFactory")) {
                    poolCreatedOn = Thread.currentThread().getName();
                    poolCreatedOnAnEventLoop = ThreadExecutorMap.currentExecutor() instanceof EventLoop;
                }
                return bean;
            }
        };
    }

    @RestController
    static class Answer {

        private final DatabaseClient client;

        Answer(DatabaseClient client) {
            this.client = client;
        }

        @GetMapping("/answer")
        Mono<String> answer() {
            return this.client.sql("SELECT 6 * 7").map(row -> String.valueOf(row.get(0, Integer.class))).one();
        }
    }
}
