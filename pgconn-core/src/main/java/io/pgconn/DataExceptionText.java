package io.pgconn;

import java.util.Map;
import java.util.Set;

/**
 * The message of a class 22 (data exception) error with the value it quotes left out. PostgreSQL
 * quotes the value it could not take, in the quotes of the server's {@code lc_messages}: {@code "…"}
 * in English, {@code »…«} in German, {@code « … »} in French, {@code „…“} ... and 22021 puts the bytes
 * after a colon ({@code invalid byte sequence for encoding "UTF8": 0xe2 0x28}). So everything between
 * the first and the last quote-like character is left out and the rest is cut at a {@code ": "};
 * a digit before the first quote ({@code setval: value 42 is out of bounds for sequence "s"}) cuts
 * the message at its first {@code ": "}, or keeps only the condition's name; a message with neither
 * quote nor colon may still hold the value somewhere (a translation may put it anywhere), so then
 * only the condition's name is kept, with a note that the text was withheld and is in
 * {@code serverFields()} — unless it is one of PostgreSQL's or pgvector's English messages that have
 * no placeholder at all ({@code integer out of range}) or whose only placeholders are counts
 * ({@code expected 3 dimensions, not 2}), which are shown as they are.
 */
final class DataExceptionText {

    /** Quote characters of the languages PostgreSQL's messages are translated to (and ASCII ones). */
    private static final String QUOTES = "\"'«»„“”‚‘’「」『』‹›";

    /** Condition names of class 22 (PostgreSQL's errcodes.txt); others are named by the class. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("22000", "data_exception"), Map.entry("2202E", "array_subscript_error"),
            Map.entry("22021", "character_not_in_repertoire"), Map.entry("22008", "datetime_field_overflow"),
            Map.entry("22012", "division_by_zero"), Map.entry("22005", "error_in_assignment"),
            Map.entry("22015", "interval_field_overflow"), Map.entry("22018", "invalid_character_value_for_cast"),
            Map.entry("22007", "invalid_datetime_format"), Map.entry("22023", "invalid_parameter_value"),
            Map.entry("2201B", "invalid_regular_expression"), Map.entry("22009", "invalid_time_zone_displacement_value"),
            Map.entry("22004", "null_value_not_allowed"), Map.entry("22003", "numeric_value_out_of_range"),
            Map.entry("2200H", "sequence_generator_limit_exceeded"), Map.entry("22026", "string_data_length_mismatch"),
            Map.entry("22001", "string_data_right_truncation"), Map.entry("22011", "substring_error"),
            Map.entry("22P01", "floating_point_exception"), Map.entry("22P02", "invalid_text_representation"),
            Map.entry("22P03", "invalid_binary_representation"), Map.entry("22P05", "untranslatable_character"),
            Map.entry("2200N", "invalid_xml_content"), Map.entry("22032", "invalid_json_text"),
            Map.entry("2201E", "invalid_argument_for_logarithm"), Map.entry("2201F", "invalid_argument_for_power_function"),
            Map.entry("2201G", "invalid_argument_for_width_bucket_function"), Map.entry("22025", "invalid_escape_sequence"));

    /**
     * PostgreSQL's English class 22 messages without a placeholder (they cannot hold a value): shown
     * whole, since the condition's name alone says less ({@code integer out of range} vs
     * {@code numeric_value_out_of_range}).
     */
    private static final Set<String> FIXED = Set.of(
            "integer out of range", "smallint out of range", "bigint out of range", "OID out of range",
            "division by zero", "value overflows numeric format", "numeric field overflow",
            "interval out of range", "timestamp out of range", "date out of range",
            "value out of range: overflow", "value out of range: underflow",
            "cannot take logarithm of zero", "cannot take logarithm of a negative number",
            "cannot take square root of a negative number", "zero raised to a negative power is undefined",
            "a negative number raised to a non-integer power yields a complex result",
            "cannot convert NaN to integer", "cannot convert NaN to bigint", "cannot convert NaN to smallint",
            "cannot convert infinity to integer", "cannot convert infinity to bigint", "cannot convert infinity to smallint",
            "null character not permitted", "negative substring length not allowed", "step size cannot equal zero",
            "array subscript out of range", "invalid preceding or following size in window function",
            "invalid input syntax for type json", "payload string too long",
            // pgvector
            "NaN not allowed in vector", "infinite value not allowed in vector", "vector must have at least 1 dimension",
            "NaN not allowed in halfvec", "infinite value not allowed in halfvec", "halfvec must have at least 1 dimension",
            "NaN not allowed in sparsevec", "infinite value not allowed in sparsevec", "sparsevec must have at least 1 dimension",
            "array must be 1-D", "array must not contain nulls");

    /**
     * Messages whose only placeholders are counts — dimensions, lengths, type modifiers, never a value
     * from a parameter — with each run of digits written {@code #}: shown whole, numbers included.
     */
    private static final Set<String> COUNTED = Set.of(
            "value too long for type character varying(#)", "value too long for type character(#)",
            "bit string length # does not match type bit(#)", "bit string too long for type bit varying(#)",
            // pgvector
            "different vector dimensions # and #", "different halfvec dimensions # and #",
            "different sparsevec dimensions # and #", "expected # dimensions, not #",
            "vector cannot have more than # dimensions", "halfvec cannot have more than # dimensions",
            "sparsevec cannot have more than # dimensions", "sparsevec cannot have more than # non-zero elements");

    /** Appended to a condition's name standing in for the server's text. */
    static final String WITHHELD = "; message withheld, it may hold a parameter value: see serverFields()";

    private DataExceptionText() {
    }

    static boolean isDataException(String code) {
        return code != null && code.startsWith("22");
    }

    /**
     * {@code message} with everything from its first to its last quote-like character replaced by
     * {@code …} (the quotes themselves kept), and the rest cut at a {@code ": "} after that (22021's
     * bytes); with no quote at all, cut at its first {@code ": "}; null when it has neither.
     */
    static String cut(String message) {
        if (message == null) {
            return null;
        }
        if (FIXED.contains(message) || COUNTED.contains(message.replaceAll("[0-9]+", "#"))) {
            return message;
        }
        int first = -1;
        int last = -1;
        for (int i = 0; i < message.length(); i++) {
            if (QUOTES.indexOf(message.charAt(i)) >= 0) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0) {
            int colon = message.indexOf(": ");
            return colon < 0 ? null : message.substring(0, colon + 2) + "…";
        }
        if (hasDigit(message, first)) { // a value before the quotes: keep only what precedes a colon
            int colon = message.indexOf(": ");
            return colon < 0 || colon > first ? null : message.substring(0, colon + 2) + "…";
        }
        String head = message.substring(0, first + 1) + "…";
        if (last == first) {
            return head; // a lone quote: the value may run to the end of the message
        }
        String tail = message.substring(last);
        int colon = tail.indexOf(": ");
        return head + (colon < 0 ? tail : tail.substring(0, colon + 2) + "…");
    }

    private static boolean hasDigit(String text, int end) {
        for (int i = 0; i < end; i++) {
            if (Character.isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one-line description with the message cut, or replaced by the condition's name and
     * {@link #WITHHELD} ({@code data_exception (SQLSTATE 22000; message withheld, ...)}).
     */
    static String describe(ServerErrorFields fields) {
        String text = cut(fields.message());
        StringBuilder sb = new StringBuilder();
        if (fields.severity() != null) {
            sb.append(fields.severity()).append(": ");
        }
        sb.append(text != null ? text : NAMES.getOrDefault(fields.code(), "data_exception"));
        sb.append(" (SQLSTATE ").append(fields.code()).append(text != null ? "" : WITHHELD).append(')');
        return sb.toString();
    }
}
