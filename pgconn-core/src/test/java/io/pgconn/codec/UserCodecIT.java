package io.pgconn.codec;

import io.netty.buffer.ByteBuf;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.query.Row;
import io.pgconn.query.RowSet;
import io.pgconn.testing.Cents;
import io.pgconn.testing.CentsCodec;
import io.pgconn.testing.Connect;
import io.pgconn.testkit.AuthMethod;
import io.pgconn.testkit.ConnectionType;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testkit.PgUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static io.pgconn.testing.Connect.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A user's codecs on a real server, registered through {@code PgConnectionFactory.Builder.codecs}: one
 * for a type known by name (an enum created in the database, bound to its OID at connect), one that
 * overrides the built-in int8 codec for the user's own class.
 */
class UserCodecIT {

    static final String USER = "codec_u";

    @RegisterExtension
    static final PgClusterExtension PG = PgClusterExtension.builder()
            .name("usercodec")
            .majorVersion(18)
            .user(PgUser.named(USER).allow(ConnectionType.HOST, AuthMethod.TRUST))
            .initSql("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
            .initSql("CREATE TYPE labeled AS (n int, label text)")
            .initSql("GRANT CREATE ON SCHEMA public TO " + USER)
            .build();

    record Labeled(int n, String label) {
    }

    /**
     * A composite type in its text form, {@code (1,"a, b")}: the label always quoted, a quote in it
     * doubled (record_in reads that, record_out writes it so).
     */
    static final class LabeledCodec implements Codec<Labeled> {
        @Override
        public PgType type() {
            return PgType.named("labeled");
        }

        @Override
        public Class<Labeled> javaType() {
            return Labeled.class;
        }

        @Override
        public Format format() {
            return Format.TEXT;
        }

        @Override
        public void encode(Labeled value, ByteBuf out) {
            out.writeCharSequence("(" + value.n() + ",\"" + value.label().replace("\\", "\\\\").replace("\"", "\"\"") + "\")",
                    StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(ByteBuf value, Format format, Class<?> target) {
            String text = value.toString(StandardCharsets.UTF_8);
            int comma = text.indexOf(',');
            String label = text.substring(comma + 1, text.length() - 1);
            if (label.startsWith("\"")) {
                label = label.substring(1, label.length() - 1).replace("\"\"", "\"").replace("\\\\", "\\");
            }
            return new Labeled(Integer.parseInt(text.substring(1, comma)), label);
        }
    }

    static PgConnectionFactory factory;

    @BeforeAll
    static void factory() {
        CodecRegistry codecs = CodecRegistry.builder().register(new MoodCodec()).register(new CentsCodec())
                .register(new LabeledCodec()).build();
        factory = PgConnectionFactory.builder(ConnConfig.builder().build()).threads(1).codecs(codecs).build();
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    private static PgConnection connect(String extensionTypes) {
        return await(factory.connect(Connect.config(PG.primary(), USER, null, "sslmode=disable extensionTypes=" + extensionTypes)));
    }

    @Test
    void aNamedUserTypeIsBoundAtConnectAndUsedBothWays() {
        PgConnection c = connect("hstore,vector,mood");
        try {
            assertThat(c.typeOid("mood")).isPresent();
            Row row = await(c.query("SELECT $1 AS m, 'sad'::mood AS s, ARRAY['ok'::mood]::text AS t", Mood.HAPPY)).row(0);
            assertThat(row.getOid(0)).isEqualTo(c.typeOid("mood").getAsInt());
            assertThat(row.get(0)).isEqualTo(Mood.HAPPY);
            assertThat(row.get("s", Mood.class)).isEqualTo(Mood.SAD);
            assertThat(row.get("t")).isEqualTo("{ok}");
            Row compared = await(c.query("SELECT $1 < 'happy'::mood AS lower", Mood.OK)).row(0);
            assertThat(compared.get(0)).isEqualTo(true);
        } finally {
            await(c.close());
        }
    }

    @Test
    void arraysOfANamedUserTypeRoundTripWithNullElements() {
        PgConnection c = connect("hstore,vector,mood,labeled");
        try {
            assertThat(c.typeOid("mood[]")).as("the array type is discovered with the type").isPresent();
            await(c.simpleQuery("CREATE TABLE mood_arrays (id int PRIMARY KEY, ms mood[])"));
            Mood[] sent = {Mood.HAPPY, null, Mood.SAD};
            await(c.query("INSERT INTO mood_arrays VALUES (1, $1), (2, $2), (3, $3)", sent, List.of(Mood.OK), new Mood[0]));
            RowSet rows = await(c.query("SELECT ms, ms::text AS t, ms[2] IS NULL AS second_null FROM mood_arrays ORDER BY id"));
            Row first = rows.row(0);
            assertThat(first.getOid(0)).isEqualTo(c.typeOid("mood[]").getAsInt());
            assertThat(first.get("t")).as("the server holds a mood[] with a NULL element").isEqualTo("{happy,NULL,sad}");
            assertThat(first.get("second_null")).isEqualTo(true);
            assertThat(first.get("ms")).isEqualTo(sent);
            assertThat(first.get("ms", List.class)).containsExactly(Mood.HAPPY, null, Mood.SAD);
            assertThat(first.get("ms", String.class)).isEqualTo("{happy,NULL,sad}");
            assertThat(rows.row(1).get("ms", Mood[].class)).containsExactly(Mood.OK);
            assertThat(rows.row(2).get("ms", Mood[].class)).isEmpty();
            // a NULL element decides nothing: the server types the array from the column
            assertThat(await(c.query("SELECT $1::mood[] = ARRAY['happy', NULL, 'sad']::mood[]", (Object) sent)).row(0).get(0)).isEqualTo(true);
        } finally {
            await(c.close());
        }
    }

    @Test
    void arraysOfACompositeInItsTextFormKeepQuotesCommasAndBraces() {
        PgConnection c = connect("labeled");
        try {
            Labeled[] sent = {new Labeled(1, "a, \"b\" {c} \\ d"), null, new Labeled(2, "")};
            Row row = await(c.query("SELECT $1::labeled[] AS l, ($1::labeled[])[1].label AS first_label,"
                    + " cardinality($1::labeled[]) AS n", (Object) sent)).row(0);
            assertThat(row.get("first_label")).isEqualTo("a, \"b\" {c} \\ d");
            assertThat(row.get("n")).isEqualTo(3);
            assertThat(row.get("l")).isEqualTo(sent);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aUserCodecForABuiltInTypeWinsForItsClassAndForObject() {
        PgConnection c = connect("hstore,vector");
        try {
            Row row = await(c.query("SELECT $1 AS price, $2::int8 + 1 AS plain", new Cents(1999), 41L)).row(0);
            assertThat(row.get("price")).isEqualTo(new Cents(1999));
            assertThat(row.get("price", Long.class)).isEqualTo(1999L);
            assertThat(row.get("plain", Long.class)).isEqualTo(42L);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aNullBoundWithAUserCodecsClassIsTypedByThatCodec() {
        PgConnection c = connect("hstore,vector,mood");
        try {
            Row row = await(c.statement("SELECT pg_typeof($1)::text AS m, pg_typeof($2)::text AS cents, $3::int4 IS NULL AS untyped")
                    .bindNull(0, Mood.class).bindNull(1, Cents.class).bindNull(2, String.class).collect()).get(0).row(0);
            assertThat(row.get("m", String.class)).isEqualTo("mood");
            assertThat(row.get("cents", String.class)).isEqualTo("bigint");
            // a String NULL stays untyped like String values, so the server takes int4 from the statement
            assertThat(row.get("untyped", Boolean.class)).isTrue();
        } finally {
            await(c.close());
        }
    }

    @Test
    void whereTheNamedTypeIsNotLookedUpItsValuesAreTextAndItsParametersAreRefused() {
        PgConnection c = connect("hstore,vector");
        try {
            Row row = await(c.query("SELECT 'ok'::mood AS m, ARRAY['ok', NULL, 'happy']::mood[] AS ms")).row(0);
            assertThat(row.get(0)).isEqualTo("ok");
            // an enum's array without a usable codec for the enum: its labels (session 29; was one String, the literal)
            assertThat(row.get("ms")).isEqualTo(new String[] {"ok", null, "happy"});
            assertThat(row.get("ms", String.class)).isEqualTo("{ok,NULL,happy}");
            assertThat(await(c.query("SELECT ARRAY['ok', NULL]::mood[]::text[]")).row(0).get(0, String[].class))
                    .containsExactly("ok", null);
            assertThatThrownBy(() -> await(c.query("SELECT $1", Mood.SAD)))
                    .hasStackTraceContaining("mood is not installed");
            // the connection stays usable
            assertThat(await(c.query("SELECT 1")).row(0).get(0)).isEqualTo(1);
        } finally {
            await(c.close());
        }
    }
}
