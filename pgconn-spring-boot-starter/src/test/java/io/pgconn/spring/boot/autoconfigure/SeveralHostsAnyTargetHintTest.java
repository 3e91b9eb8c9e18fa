package io.pgconn.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEW-USER-19 F13: several hosts with {@code target-session-attrs} left at libpq's {@code any} start without a word, and
 * after a failover the pool opens sessions on the standby where every write fails (25006). One line at start-up says so
 * (no connect: beans only).
 */
@ExtendWith(OutputCaptureExtension.class)
class SeveralHostsAnyTargetHintTest {

    private static final String HINT = "a connection may land on any of them, a standby included";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.startup-check=none", "pg.conn.password=Hint-s3cret");

    @Test
    void severalHostsWithTheDefaultTargetAreHintedOnceAtStartUp(CapturedOutput output) {
        runner.withPropertyValues("pg.conn.hosts=db1.test.invalid:5432,db2.test.invalid:5432").run(context -> {
            assertThat(context).hasNotFailed();
            String log = output.getAll();
            assertThat(log).contains("2 hosts").contains("target-session-attrs is 'any'").contains(HINT)
                    .contains("pg.conn.target-session-attrs=read-write").doesNotContain("Hint-s3cret");
            assertThat(log.split(HINT, -1)).as("once").hasSize(2);
        });
    }

    @Test
    void severalHostsInTheUrlCountToo(CapturedOutput output) {
        runner.withPropertyValues("pg.conn.url=postgresql://app@db1.test.invalid,db2.test.invalid/app").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output.getAll()).contains(HINT);
        });
    }

    @Test
    void aChosenTargetOrASingleHostIsNotHinted(CapturedOutput output) {
        runner.withPropertyValues("pg.conn.hosts=db1.test.invalid:5432,db2.test.invalid:5432",
                "pg.conn.target-session-attrs=read-write").run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("pg.conn.hosts=db1.test.invalid:5432").run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getAll()).doesNotContain(HINT);
    }
}
