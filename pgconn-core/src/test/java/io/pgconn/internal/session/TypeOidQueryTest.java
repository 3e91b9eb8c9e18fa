package io.pgconn.internal.session;

import io.pgconn.PgConfigException;
import io.pgconn.QueryResult;
import io.pgconn.codec.CodecRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TypeOidQueryTest {

    @Test
    void oneColumnPerNameAsALiteral() {
        assertThat(TypeOidQuery.sql("hstore", "public.vector")).isEqualTo(
                "SELECT pg_catalog.to_regtype('hstore')::pg_catalog.oid, pg_catalog.to_regtype('public.vector')::pg_catalog.oid");
    }

    /** The SQL is made once per list (TypeOidQuery keeps the last one): a list asked again, or changed in place, gets its own text. */
    @Test
    void theSqlFollowsTheNamesAskedForAlsoWhenTheCallerReusesItsArray() {
        String[] names = {"hstore", "hstore[]"};
        String first = TypeOidQuery.sql(names);
        assertThat(TypeOidQuery.sql("hstore", "hstore[]")).isSameAs(first);
        names[1] = "vector";
        assertThat(TypeOidQuery.sql(names)).isEqualTo(
                "SELECT pg_catalog.to_regtype('hstore')::pg_catalog.oid, pg_catalog.to_regtype('vector')::pg_catalog.oid");
        assertThat(TypeOidQuery.sql("hstore", "hstore[]")).isEqualTo(first);
        assertThatThrownBy(() -> TypeOidQuery.sql("hstore", "x'); --")).isInstanceOf(PgConfigException.class);
        assertThat(TypeOidQuery.sql("hstore", "hstore[]")).isEqualTo(first);
    }

    @Test
    void namesThatAreNotIdentifiersAreRefusedBeforeAnyQuery() {
        assertThatThrownBy(() -> TypeOidQuery.sql("hstore", "x'); DROP TABLE t; --"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("invalid type name \"x'); DROP TABLE t; --\"");
        assertThatThrownBy(TypeOidQuery::sql).isInstanceOf(PgConfigException.class);
    }

    @Test
    void columnIMapsToNameIAndNullMeansAbsent() {
        QueryResult result = new QueryResult(List.of("to_regtype", "to_regtype"), List.of(Arrays.asList("16385", null)), "SELECT 1");
        assertThat(TypeOidQuery.parse(result, "hstore", "vector")).containsExactly(Map.entry("hstore", 16_385));
    }

    @Test
    void oidsAboveIntMaxKeepTheirBits() {
        QueryResult result = new QueryResult(List.of("to_regtype"), List.of(List.of("4294967295")), "SELECT 1");
        assertThat(TypeOidQuery.parse(result, "hstore")).containsEntry("hstore", -1);
    }

    @Test
    void anAnswerOfAnotherShapeIsAnError() {
        QueryResult twoRows = new QueryResult(List.of("a"), List.of(List.of("1"), List.of("2")), "SELECT 2");
        assertThatThrownBy(() -> TypeOidQuery.parse(twoRows, "hstore")).hasMessageContaining("expected 1 row of 1 columns, got 2 rows");
        QueryResult oneColumn = new QueryResult(List.of("a"), List.of(List.of("1")), "SELECT 1");
        assertThatThrownBy(() -> TypeOidQuery.parse(oneColumn, "hstore", "vector")).hasMessageContaining("got 1 rows of 1 columns");
    }
    /**
     * The session's lookup adds one column: the database's enum array types with each enum's name as the hex of its UTF-8
     * bytes (REVIEW-29 R29-14: its arrays show {@code mood[]}), kept under CodecRegistry.enumArrayKey(oid, name). A name
     * that does not decode leaves the array unnamed and the lookup whole (REVIEW-30 R30-2: a length in server characters
     * failed the whole lookup on a SQL_ASCII database; there the name's own bytes are sent, since a conversion to UTF-8
     * validates them and failed on a Latin-1 byte).
     */
    @Test
    void theSessionsLookupAddsTheEnumArrayTypesInTheSameQuery() {
        assertThat(TypeOidQuery.sessionSql("hstore")).isEqualTo("SELECT pg_catalog.to_regtype('hstore')::pg_catalog.oid,"
                + " (SELECT pg_catalog.string_agg(pg_catalog.concat(t.typarray, ':',"
                + " pg_catalog.encode(CASE WHEN pg_catalog.getdatabaseencoding() OPERATOR(pg_catalog.=) 'SQL_ASCII'"
                + " THEN pg_catalog.convert_to(t.typname::pg_catalog.text, 'SQL_ASCII')"
                + " ELSE pg_catalog.convert_to(t.typname::pg_catalog.text, 'UTF8') END, 'hex')), ',') FROM pg_catalog.pg_type t"
                + " WHERE t.oid OPERATOR(pg_catalog.=) ANY (SELECT e.enumtypid FROM pg_catalog.pg_enum e)"
                + " AND t.typarray OPERATOR(pg_catalog.<>) 0),"
                + " (SELECT pg_catalog.string_agg(pg_catalog.concat(t.oid, ':', t.typtype, ':', t.typbasetype, ':',"
                + " t.typdelim::pg_catalog.int4), ',') FROM pg_catalog.pg_type t"
                + " WHERE t.oid OPERATOR(pg_catalog.=) ANY (ARRAY[pg_catalog.to_regtype('hstore')]::pg_catalog.oid[])"
                + " AND (t.typtype OPERATOR(pg_catalog.=) ANY ('{c,d}'::pg_catalog.\"char\"[])"
                + " OR t.typdelim OPERATOR(pg_catalog.<>) ','::pg_catalog.\"char\"))");
        String odd = "a,b:c\uD834\uDD1E\"d é";
        QueryResult result = new QueryResult(List.of("to_regtype", "string_agg", "string_agg"), List.of(Arrays.asList("16385",
                "16389:" + hex("mood") + ",4294967295:" + hex(odd) + ",1:78", null)), "SELECT 1");
        assertThat(TypeOidQuery.parseSession(result, "hstore")).containsExactly(Map.entry("hstore", 16_385),
                Map.entry(CodecRegistry.enumArrayKey(16_389, "mood"), 16_389), Map.entry(CodecRegistry.enumArrayKey(-1, odd), -1),
                Map.entry(CodecRegistry.enumArrayKey(1, "x"), 1));
        QueryResult noEnums = new QueryResult(List.of("to_regtype", "string_agg", "string_agg"), List.of(Arrays.asList(null, null, null)), "SELECT 1");
        assertThat(TypeOidQuery.parseSession(noEnums, "hstore")).isEmpty();
        assertThatThrownBy(() -> TypeOidQuery.parseSession(noEnums, "hstore", "vector")).hasMessageContaining("expected 1 row of 4 columns");
        // not UTF-8 (a SQL_ASCII database's Latin-1 byte), odd length, not hex, empty: unnamed, the rest bound
        QueryResult badNames = new QueryResult(List.of("to_regtype", "string_agg", "string_agg"),
                List.of(Arrays.asList("16385", "16389:e9,16390:6d6,16391:zz,16392:,16393:" + hex("ok"), null)), "SELECT 1");
        assertThat(TypeOidQuery.parseSession(badNames, "hstore")).containsExactly(Map.entry("hstore", 16_385),
                Map.entry(CodecRegistry.enumArrayKey(16_389), 16_389), Map.entry(CodecRegistry.enumArrayKey(16_390), 16_390),
                Map.entry(CodecRegistry.enumArrayKey(16_391), 16_391), Map.entry(CodecRegistry.enumArrayKey(16_392), 16_392),
                Map.entry(CodecRegistry.enumArrayKey(16_393, "ok"), 16_393));
    }

    /**
     * Session 31: the session's lookup's last column says which looked-up names are domains (with their base type) and
     * composites, kept under CodecRegistry.domainKey / compositeKey with the type's OID; array names and OIDs no name was
     * found for are passed over.
     */
    @Test
    void theSessionsLookupSaysWhichNamesAreDomainsAndComposites() {
        String[] names = TypeOidQuery.withArrayTypes("posint", "pair", "hstore");
        assertThat(TypeOidQuery.sessionSql(names)).endsWith("ANY (ARRAY[pg_catalog.to_regtype('posint'), pg_catalog.to_regtype('pair'),"
                + " pg_catalog.to_regtype('hstore')]::pg_catalog.oid[]) AND (t.typtype OPERATOR(pg_catalog.=) ANY ('{c,d}'::pg_catalog.\"char\"[])"
                + " OR t.typdelim OPERATOR(pg_catalog.<>) ','::pg_catalog.\"char\"))");
        QueryResult result = new QueryResult(List.of("a", "b", "c", "d", "e", "f", "g", "h"), List.of(Arrays.asList("16385", "16384",
                "16389", "16388", "16400", "16399", null, "16385:d:23:44,16389:c:0:44,70000:d:25:44")), "SELECT 1");
        assertThat(TypeOidQuery.parseSession(result, names)).containsOnly(Map.entry("posint", 16_385), Map.entry("posint[]", 16_384),
                Map.entry("pair", 16_389), Map.entry("pair[]", 16_388), Map.entry("hstore", 16_400), Map.entry("hstore[]", 16_399),
                Map.entry(CodecRegistry.domainKey("posint", 23), 16_385), Map.entry(CodecRegistry.compositeKey("pair"), 16_389));
    }

    /**
     * REVIEW-32 R32-5: the kinds column gives each listed name's array delimiter ({@code typdelim} as a number) where it is
     * not {@code ,}, for every kind of type — a domain over {@code box} has {@code ;}, a base type created with
     * {@code DELIMITER = ':'} (PostGIS') and a domain over it {@code :} — kept under CodecRegistry.delimiterKey with the
     * type's OID, besides the domain's key; a {@code ,} gives no key. Until then the column had no delimiter, and a listed
     * domain over {@code box} read its arrays split at {@code ,} (two boxes as seven strings).
     */
    @Test
    void theSessionsLookupGivesEachNamesArrayDelimiterWhereItIsNotAComma() {
        String[] names = TypeOidQuery.withArrayTypes("dbox", "geotext", "dgeo", "posint");
        QueryResult result = new QueryResult(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), List.of(Arrays.asList(
                "16385", "16384", "16388", "16387", "16393", "16392", "16400", "16399", null,
                "16385:d:603:59,16388:b:0:58,16393:d:16388:58,16400:d:23:44")), "SELECT 1");
        assertThat(TypeOidQuery.parseSession(result, names)).containsOnly(Map.entry("dbox", 16_385), Map.entry("dbox[]", 16_384),
                Map.entry("geotext", 16_388), Map.entry("geotext[]", 16_387), Map.entry("dgeo", 16_393), Map.entry("dgeo[]", 16_392),
                Map.entry("posint", 16_400), Map.entry("posint[]", 16_399),
                Map.entry(CodecRegistry.domainKey("dbox", 603), 16_385), Map.entry(CodecRegistry.delimiterKey("dbox", ';'), 16_385),
                Map.entry(CodecRegistry.delimiterKey("geotext", ':'), 16_388),
                Map.entry(CodecRegistry.domainKey("dgeo", 16_388), 16_393), Map.entry(CodecRegistry.delimiterKey("dgeo", ':'), 16_393),
                Map.entry(CodecRegistry.domainKey("posint", 23), 16_400));
        assertThat(CodecRegistry.delimiterKey("dbox", ';')).as("the name after the key's last '#' (TypeNameWords)").endsWith("#dbox");
        // "char" is signed: a byte above 127 comes as a negative number, and stays that byte
        QueryResult high = new QueryResult(List.of("a", "b", "c", "d"), List.of(Arrays.asList("16388", "16387", null, "16388:b:0:-89")),
                "SELECT 1");
        assertThat(TypeOidQuery.parseSession(high, TypeOidQuery.withArrayTypes("geotext")))
                .containsEntry(CodecRegistry.delimiterKey("geotext", (char) 0xA7), 16_388);
    }

    /**
     * The enum-array and kinds columns only add to the lookup: an empty column or an entry whose OID is none (a proxy,
     * a hostile server) is passed over, the names' OIDs still bound (REVIEW-31 R31-11: a NumberFormatException naming
     * no host failed the whole lookup).
     */
    @Test
    void anEnumArrayOrKindsEntryThatIsNoOidIsPassedOver() {
        String[] names = TypeOidQuery.withArrayTypes("posint");
        QueryResult result = new QueryResult(List.of("a", "b", "c", "d"), List.of(Arrays.asList("16385", "16384",
                ",x:6d6f6f64,16389:" + hex("mood") + ",:00", "16385:d:,16385:d:x1:44,:d:23:44,y:c:0:44,16385:d:23,16385:d:23:x,"
                + "16385:d:23:,16385:d:23:0,16385:d:23:256,16385:d:23:-129,16385:d:23:59:1")), "SELECT 1");
        assertThat(TypeOidQuery.parseSession(result, names)).containsOnly(Map.entry("posint", 16_385), Map.entry("posint[]", 16_384),
                Map.entry(CodecRegistry.enumArrayKey(16_389, "mood"), 16_389));
        QueryResult empty = new QueryResult(List.of("a", "b", "c", "d"), List.of(Arrays.asList("16385", "16384", "", "")), "SELECT 1");
        assertThat(TypeOidQuery.parseSession(empty, names)).containsOnly(Map.entry("posint", 16_385), Map.entry("posint[]", 16_384));
    }

    private static String hex(String text) {
        return java.util.HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
