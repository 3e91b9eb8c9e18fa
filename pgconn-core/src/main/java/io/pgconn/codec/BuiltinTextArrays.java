package io.pgconn.codec;

import java.util.List;
import java.util.Map;

/**
 * The built-in array types whose element type has no codec — the geometric types ({@code point[]}, {@code box[]} ...),
 * {@code money[]}, {@code bit[]}, {@code macaddr[]}, {@code xml[]}, {@code tsvector[]}, the {@code reg*} types, the
 * ranges and multiranges, and {@code record[]} (an array of anonymous rows, {@code array_agg(row(...))}): each reads as
 * {@code String[]} of its elements' text, as an element of the type reads as its {@code String} (nested arrays for
 * several dimensions, a {@code List} when asked), in {@code array_out}'s text form ({@link TextArrayCodec}); until
 * session 31 as one {@code String}, the array's literal. Their OIDs are below 10,000: fixed in PostgreSQL's catalog
 * ({@code pg_type.dat}) on every version that has the type, so no lookup is needed (a server without one, such as
 * multiranges before PostgreSQL 14, never sends it).
 *
 * <p>Not here: a type whose element has a codec (its array is that codec's), and the arrays of a database's own types
 * (a domain's, a composite's), whose OIDs only a lookup gives.
 */
final class BuiltinTextArrays {

    /** Each element as its text. */
    private static final Codec<?>[] TEXTS = {TextFallbackCodec.INSTANCE};

    /** Array OID, element OID, element name — {@code typarray}, {@code oid}, {@code typname} in {@code pg_type.dat}. */
    private static final Object[][] TYPES = {
            {143, 142, "xml"}, {271, 5069, "xid8"}, {629, 628, "line"}, {719, 718, "circle"}, {775, 774, "macaddr8"},
            {791, 790, "money"}, {1002, 18, "char"}, {1006, 22, "int2vector"}, {1008, 24, "regproc"}, {1010, 27, "tid"},
            {1011, 28, "xid"}, {1012, 29, "cid"}, {1013, 30, "oidvector"}, {1017, 600, "point"}, {1018, 601, "lseg"},
            {1019, 602, "path"}, {1020, 603, "box"}, {1027, 604, "polygon"}, {1034, 1033, "aclitem"}, {1040, 829, "macaddr"},
            {1561, 1560, "bit"}, {1563, 1562, "varbit"}, {2201, 1790, "refcursor"}, {2207, 2202, "regprocedure"},
            {2208, 2203, "regoper"}, {2209, 2204, "regoperator"}, {2210, 2205, "regclass"}, {2211, 2206, "regtype"},
            {2287, 2249, "record"}, {2949, 2970, "txid_snapshot"}, {3221, 3220, "pg_lsn"}, {3643, 3614, "tsvector"},
            {3645, 3615, "tsquery"}, {3735, 3734, "regconfig"}, {3770, 3769, "regdictionary"}, {3905, 3904, "int4range"},
            {3907, 3906, "numrange"}, {3909, 3908, "tsrange"}, {3911, 3910, "tstzrange"}, {3913, 3912, "daterange"},
            {3927, 3926, "int8range"}, {4073, 4072, "jsonpath"}, {4090, 4089, "regnamespace"}, {4097, 4096, "regrole"},
            {4192, 4191, "regcollation"}, {5039, 5038, "pg_snapshot"}, {6150, 4451, "int4multirange"},
            {6151, 4532, "nummultirange"}, {6152, 4533, "tsmultirange"}, {6153, 4534, "tstzmultirange"},
            {6155, 4535, "datemultirange"}, {6157, 4536, "int8multirange"}};

    /** {@code box}'s {@code typdelim}: a box's text has commas, {@code (1,2),(0,0)}; every other type's is {@code ,}. */
    private static final int BOX = 603;

    private BuiltinTextArrays() {
    }

    /**
     * Adds to {@code byOid} (a registry's codecs by OID, being built) the text array codec of each of these array types
     * for which it has no codec, nor its element type one (a user's codec for {@code point} decides its arrays).
     */
    static void addTo(Map<Integer, List<Codec<?>>> byOid) {
        for (Object[] type : TYPES) {
            int arrayOid = (Integer) type[0];
            int elementOid = (Integer) type[1];
            if (byOid.containsKey(arrayOid) || byOid.containsKey(elementOid)) {
                continue;
            }
            byOid.put(arrayOid, List.of(new TextArrayCodec(PgType.of(arrayOid, type[2] + "[]"), elementOid, TEXTS,
                    elementOid == BOX ? (byte) ';' : (byte) ',')));
        }
    }
}
