package io.pgconn.spring.boot.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New user 19's F13: several hosts with the default target-session-attrs ({@code any}) start with an INFO saying a
 * connection may go to a standby and what to set; one host, or a target set, starts without it. Seen failing before:
 * no line at all.
 */
@ExtendWith(OutputCaptureExtension.class)
class AnyRoleHostsNoteTest {

    private static final String NOTE = "target-session-attrs is 'any' (libpq's default), so a connection may go to any of them";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PgConnAutoConfiguration.class))
            .withPropertyValues("pg.conn.startup-check=none");

    @Test
    void severalHostsWithTheDefaultTargetGetTheNote(CapturedOutput output) {
        this.runner.withPropertyValues("pg.conn.hosts=db1.test.invalid:5432,db2.test.invalid:5432").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output).contains("name 2 servers and " + NOTE, "pg.conn.target-session-attrs=read-write");
        });
    }

    @Test
    void oneHostOrATargetSetGetsNone(CapturedOutput output) {
        this.runner.withPropertyValues("pg.conn.hosts=db1.test.invalid:5432").run(context -> assertThat(context).hasNotFailed());
        this.runner.withPropertyValues("pg.conn.url=postgresql://db1.test.invalid,db2.test.invalid/app?target_session_attrs=read-write")
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output).doesNotContain(NOTE);
    }
}
