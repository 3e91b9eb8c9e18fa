package io.pgconn;

import java.util.Map;

/**
 * The message of a class 22 (data exception) error with the value it quotes left out. PostgreSQL
 * quotes the value it could not take, in the quotes of the server's {@code lc_messages}: {@code "…"}
 * in English, {@code »…«} in German, {@code « … »} in French, {@code „…“} ... and 22021 puts the bytes
 * after a colon ({@code invalid byte sequence for encoding "UTF8": 0xe2 0x28}). So everything between
 * the first and the last quote-like character is left out and the rest is cut at a {@code ": "};
 * a message with neither may still hold the value somewhere, so then only the condition's name is kept.
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
            Map.entry("2200N", "invalid_xml_content"), Map.entry("22032", "invalid_json_text"));

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
        String head = message.substring(0, first + 1) + "…";
        if (last == first) {
            return head; // a lone quote: the value may run to the end of the message
        }
        String tail = message.substring(last);
        int colon = tail.indexOf(": ");
        return head + (colon < 0 ? tail : tail.substring(0, colon + 2) + "…");
    }

    /** The one-line description with the message cut (or replaced by the condition's name). */
    static String describe(ServerErrorFields fields) {
        String text = cut(fields.message());
        StringBuilder sb = new StringBuilder();
        if (fields.severity() != null) {
            sb.append(fields.severity()).append(": ");
        }
        sb.append(text != null ? text : NAMES.getOrDefault(fields.code(), "data_exception"));
        sb.append(" (SQLSTATE ").append(fields.code()).append(')');
        return sb.toString();
    }
}
