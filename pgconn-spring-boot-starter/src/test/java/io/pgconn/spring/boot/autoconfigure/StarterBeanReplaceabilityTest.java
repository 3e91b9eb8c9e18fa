package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.spring.boot.autoconfigure.data.PgConnDataR2dbcAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnR2dbcPoolDetailsAutoConfiguration;
import io.pgconn.spring.boot.autoconfigure.r2dbc.PgConnSessionsAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/starter.md §2: the beans of its table are {@code @ConditionalOnMissingBean} — on the method, or on the
 * configuration class that declares it — except the two it names as not replaceable, and why: they are the
 * implementation of a property or of other beans, of package-private types no application can make
 * ({@code pgConnStartupCheck}: {@code pg.conn.startup-check}; {@code pgConnR2dbcDecorators}: the application's
 * {@code ConnectionFactoryDecorator} beans), plus the factory's shutdown, §5. The doc said all were (session 16).
 */
class StarterBeanReplaceabilityTest {

    private static final List<Class<?>> CONFIGURATIONS = List.of(PgConnAutoConfiguration.class, PgConnR2dbcAutoConfiguration.class,
            PgConnR2dbcPoolDetailsAutoConfiguration.class, PgConnSessionsAutoConfiguration.class,
            PgConnRuntimeFactoriesAutoConfiguration.class, PgConnDataR2dbcAutoConfiguration.class);

    @Test
    void everyBeanOfTheTableIsConditionalOnMissingBeanButTheOnesTheDocNames() {
        Set<String> notReplaceable = new TreeSet<>();
        List<String> all = new ArrayList<>();
        for (Class<?> configuration : CONFIGURATIONS) {
            visit(configuration, List.of(), notReplaceable, all);
        }
        assertThat(all).contains("pgConnectionFactory", "pgConnFailoverTracker", "pgConnFailoverTrackers", "connectionFactory",
                "pgConnSessions", "pgConnPoolDetails", "pgConnSanitizingFunction",
                "pgConnRuntimeFactories", "pgConnRuntimeFactoryMeters", "pgConnRuntimeHealthIndicator", "pgConnJsonTextReading");
        assertThat(notReplaceable).containsExactly("pgConnR2dbcDecorators", "pgConnStartupCheck", "pgConnectionFactoryShutdown");
    }

    /** {@code missing}: the types a user bean of which makes the enclosing configuration classes back off. */
    private static void visit(Class<?> type, List<Class<?>> missing, Set<String> notReplaceable, List<String> all) {
        List<Class<?>> here = new ArrayList<>(missing);
        ConditionalOnMissingBean onClass = type.getAnnotation(ConditionalOnMissingBean.class);
        if (onClass != null) {
            here.addAll(List.of(onClass.value()));
        }
        for (Method method : type.getDeclaredMethods()) {
            if (method.isAnnotationPresent(Bean.class)) {
                all.add(method.getName());
                boolean backsOff = method.isAnnotationPresent(ConditionalOnMissingBean.class)
                        || here.stream().anyMatch(t -> t.isAssignableFrom(method.getReturnType()));
                if (!backsOff) {
                    notReplaceable.add(method.getName());
                }
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            visit(nested, here, notReplaceable, all);
        }
    }
}
