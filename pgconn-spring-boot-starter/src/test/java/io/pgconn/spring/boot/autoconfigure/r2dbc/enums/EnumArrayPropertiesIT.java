package io.pgconn.spring.boot.autoconfigure.r2dbc.enums;

import io.pgconn.spring.boot.autoconfigure.StarterCluster;
import io.pgconn.spring.boot.autoconfigure.r2dbc.SpringDataAppTest;
import io.pgconn.spring.boot.autoconfigure.r2dbc.enums.Ticket.Mood;
import io.pgconn.testkit.PgClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Data R2DBC entity properties {@code List<Mood>} and {@code Mood[]} saved into and read from {@code mood[]}
 * columns with no cast, codec or converter of the application's (session 30): the starter's dialect hands enums to the
 * driver as themselves, which sends them as an untyped text array. Until then Spring Data made them a {@code String[]}
 * — a {@code text[]}, which the column refused (42804, "column "moods" is of type mood[] but expression is of type
 * text[]") — and the docs said to cast in the SQL, which a repository save cannot.
 */
@SpringDataAppTest(EnumsTestApplication.class)
class EnumArrayPropertiesIT {

    static final Duration STEP = Duration.ofSeconds(30);

    @RegisterExtension
    static final PgClusterExtension PG = StarterCluster.builder("starter-enum-arrays")
            .initSql("CREATE TYPE mood AS ENUM ('SAD', 'OK', 'HAPPY')")
            .initSql("CREATE TABLE ticket (id BIGSERIAL PRIMARY KEY, mood mood, moods mood[], history mood[])")
            .initSql("GRANT ALL ON ticket, ticket_id_seq TO " + StarterCluster.USER)
            .build();

    @DynamicPropertySource
    static void pgConn(DynamicPropertyRegistry registry) {
        StarterCluster.primaryOf(registry, PG);
    }

    @Autowired
    private TicketRepository tickets;

    @Autowired
    private DatabaseClient client;

    @Test
    void enumListAndArrayPropertiesAreSavedIntoEnumArrayColumnsAndReadBack() {
        Ticket saved = tickets.save(new Ticket(null, Mood.OK, List.of(Mood.HAPPY, Mood.SAD), new Mood[] {Mood.OK, null})).block(STEP);
        Ticket other = tickets.save(new Ticket(null, Mood.SAD, List.of(Mood.SAD), new Mood[0])).block(STEP);

        Ticket read = tickets.findById(saved.id()).block(STEP);
        assertThat(read.mood()).isEqualTo(Mood.OK);
        assertThat(read.moods()).containsExactly(Mood.HAPPY, Mood.SAD);
        assertThat(read.history()).containsExactly(Mood.OK, null);
        assertThat(client.sql("SELECT moods::text AS m, history::text AS h FROM ticket WHERE id = :id").bind("id", saved.id())
                .map(row -> row.get("m", String.class) + " " + row.get("h", String.class)).one().block(STEP))
                .isEqualTo("{HAPPY,SAD} {OK,NULL}");

        tickets.save(new Ticket(other.id(), Mood.HAPPY, List.of(Mood.OK, Mood.HAPPY), new Mood[] {Mood.SAD})).block(STEP); // an update
        assertThat(tickets.findById(other.id()).block(STEP).moods()).containsExactly(Mood.OK, Mood.HAPPY);
        assertThat(tickets.findByMood(Mood.HAPPY).map(Ticket::id).collectList().block(STEP)).containsExactly(other.id());
        assertThat(tickets.sharingAMoodWith(new Mood[] {Mood.SAD}).map(Ticket::id).collectList().block(STEP)).containsExactly(saved.id());
        assertThat(tickets.sharingAMoodWith(new Mood[] {Mood.OK, Mood.HAPPY}).map(Ticket::id).collectList().block(STEP))
                .containsExactly(saved.id(), other.id());
        assertThat(tickets.inMoods(List.of(Mood.OK, Mood.HAPPY)).map(Ticket::id).collectList().block(STEP))
                .containsExactly(saved.id(), other.id());
    }
}
