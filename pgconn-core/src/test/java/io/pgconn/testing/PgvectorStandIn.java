package io.pgconn.testing;

/**
 * pgvector's {@code vector} as far as a client can tell, for the testkit's servers, which have no
 * pgvector (docs/testing.md §1): a base type {@code vector} whose input, output, receive and send
 * functions are {@code bytea}'s (built-in functions declared again with {@code LANGUAGE internal}), so
 * it takes a value in {@code vector_send}'s binary form byte for byte and sends it back the same, with
 * its own OID in RowDescription and an array type {@code vector[]}, both found by the default
 * {@code extensionTypes} lookup like pgvector's. (A domain would not do: RowDescription reports a
 * domain column as its base type.) {@link #wellFormed} checks pgvector's shape ({@code int16}
 * dimensions, {@code int16} 0, that many {@code float4}s), {@code <->} is pgvector's L2 distance,
 * computed from those bytes, and {@code =} compares the bytes. What it cannot check: pgvector's own {@code vector_recv} and
 * {@code vector_out} (the unit tests pin pgconn's side against pgvector's source).
 */
public final class PgvectorStandIn {

    /** The SQL that creates it, run as one script by a superuser (a cluster's {@code initSql}). */
    public static final String SQL = """
            CREATE TYPE vector;
            CREATE FUNCTION vector_in(cstring) RETURNS vector LANGUAGE internal IMMUTABLE STRICT AS 'byteain';
            CREATE FUNCTION vector_out(vector) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'byteaout';
            CREATE FUNCTION vector_recv(internal) RETURNS vector LANGUAGE internal IMMUTABLE STRICT AS 'bytearecv';
            CREATE FUNCTION vector_send(vector) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
            CREATE TYPE vector (INPUT = vector_in, OUTPUT = vector_out, RECEIVE = vector_recv, SEND = vector_send,
                INTERNALLENGTH = VARIABLE, STORAGE = extended);
            CREATE CAST (vector AS bytea) WITHOUT FUNCTION;
            CREATE FUNCTION vector_well_formed(v vector) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS $$
              SELECT octet_length(v::bytea) >= 8 AND get_byte(v::bytea, 2) = 0 AND get_byte(v::bytea, 3) = 0
                AND octet_length(v::bytea) = 4 + 4 * (get_byte(v::bytea, 0) * 256 + get_byte(v::bytea, 1))
            $$;
            CREATE FUNCTION vector_elements(v vector) RETURNS float8[] LANGUAGE sql IMMUTABLE STRICT AS $$
              SELECT array_agg(((CASE WHEN e = 0 THEN m * 2.0 ^ -149 ELSE (1 + m / 8388608.0) * 2.0 ^ (e - 127) END)
                                * (CASE WHEN s = 1 THEN -1 ELSE 1 END))::float8 ORDER BY i)
              FROM (SELECT i, (b >> 31) & 1 AS s, (b >> 23) & 255 AS e, b & 8388607 AS m
                    FROM (SELECT i, ((get_byte(v::bytea, 4 + 4 * i)::bigint << 24) | (get_byte(v::bytea, 5 + 4 * i) << 16)
                                     | (get_byte(v::bytea, 6 + 4 * i) << 8) | get_byte(v::bytea, 7 + 4 * i)) AS b
                          FROM generate_series(0, (octet_length(v::bytea) - 4) / 4 - 1) AS i) AS words) AS fields
            $$;
            CREATE FUNCTION l2_distance(a vector, b vector) RETURNS float8 LANGUAGE sql IMMUTABLE STRICT AS $$
              SELECT sqrt(sum((x - y) ^ 2)) FROM unnest(vector_elements(a), vector_elements(b)) AS t(x, y)
            $$;
            CREATE OPERATOR <-> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = l2_distance, COMMUTATOR = <->);
            CREATE FUNCTION vector_eq(a vector, b vector) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS $$
              SELECT a::bytea = b::bytea
            $$;
            CREATE OPERATOR = (LEFTARG = vector, RIGHTARG = vector, FUNCTION = vector_eq, COMMUTATOR = =);
            """;

    /** A column check that the value has pgvector's binary shape: {@code embedding vector CHECK (...)}. */
    public static String wellFormed(String column) {
        return "vector_well_formed(" + column + ")";
    }

    private PgvectorStandIn() {
    }
}
