package io.pgconn.codec;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;

/**
 * PostgreSQL's text output of values that arrived in binary, so that a column read as {@code String}
 * gives what {@code psql} would show: {@code DateStyle} ISO, {@code IntervalStyle} postgres,
 * {@code bytea_output} hex, and {@code timestamptz} at UTC ({@code +00}: the binary form carries no
 * session time zone), float4/float8 as the shortest decimal that reads back as the same value
 * (PostgreSQL 12+), in exponent form outside 1e-4 to 1e15 (1e6 for float4); pgvector's vector as
 * {@code vector_out} prints it.
 */
final class TextForms {

    private static final HexFormat HEX = HexFormat.of();

    private TextForms() {
    }

    /** Whether {@link #render} knows values of this (scalar) type. */
    static boolean supports(int oid) {
        return switch (oid) {
            case Oids.FLOAT4, Oids.FLOAT8, Oids.BOOL, Oids.BYTEA, Oids.DATE, Oids.TIME, Oids.TIMETZ, Oids.TIMESTAMP, Oids.TIMESTAMPTZ, Oids.INTERVAL,
                 Oids.INET, Oids.CIDR, Oids.INT2, Oids.INT4, Oids.INT8, Oids.NUMERIC, Oids.OID, Oids.UUID, Oids.TEXT,
                 Oids.VARCHAR, Oids.BPCHAR, Oids.NAME, Oids.JSON, Oids.JSONB -> true;
            default -> false;
        };
    }

    /** The text of a decoded value (as the type's codec reads it as {@code Object}). */
    static String render(int oid, Object value) {
        return switch (oid) {
            case Oids.BOOL -> (Boolean) value ? "t" : "f";
            case Oids.FLOAT4 -> floating(((Float) value).doubleValue(), true);
            case Oids.FLOAT8 -> floating((Double) value, false);
            case Oids.BYTEA -> "\\x" + HEX.formatHex((byte[]) value);
            case Oids.DATE -> date((LocalDate) value);
            case Oids.TIME -> time((LocalTime) value);
            case Oids.TIMETZ -> time(((OffsetTime) value).toLocalTime()) + offset(((OffsetTime) value).getOffset());
            case Oids.TIMESTAMP -> timestamp((LocalDateTime) value, "");
            case Oids.TIMESTAMPTZ -> timestamptz((OffsetDateTime) value);
            case Oids.INTERVAL -> interval((PgInterval) value);
            case Oids.INET, Oids.CIDR -> inet(value, oid == Oids.CIDR);
            case Oids.NUMERIC -> value instanceof java.math.BigDecimal b ? b.toPlainString()
                    : Double.isNaN((Double) value) ? "NaN" : (Double) value > 0 ? "Infinity" : "-Infinity";
            case Oids.JSONB, Oids.JSON -> value instanceof Json j ? j.text() : value.toString();
            default -> value.toString(); // integers, oid, uuid, text types: Java's form is PostgreSQL's
        };
    }

    /** A one-dimensional array: {@code {a,"b c",NULL}}, elements rendered by {@code element}, quoted as {@code array_out} does. */
    static String renderArray(Object[] items, java.util.function.Function<Object, String> element) {
        StringBuilder sb = new StringBuilder().append('{');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            if (items[i] == null) {
                sb.append("NULL");
            } else if (items[i] instanceof Object[] level) {
                sb.append(renderArray(level, element)); // a sub-array of a multi-dimensional value: {{1,2},{3,4}}
            } else {
                quoteElement(sb, element.apply(items[i]));
            }
        }
        return sb.append('}').toString();
    }

    /**
     * pgvector's {@code vector_out}: {@code [1,-2.5,1e-05]}, each element as {@code float4out} prints it
     * ({@code float_to_shortest_decimal_bufn}, the same shortest form).
     */
    static String vector(float[] elements) {
        StringBuilder sb = new StringBuilder(2 + 8 * elements.length).append('[');
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(floating(elements[i], true));
        }
        return sb.append(']').toString();
    }

    /** hstore_out: {@code "k"=>"v", "n"=>NULL}. */
    static String hstore(Map<?, ?> map) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            quoted(sb, (String) e.getKey());
            sb.append("=>");
            if (e.getValue() == null) {
                sb.append("NULL");
            } else {
                quoted(sb, (String) e.getValue());
            }
        }
        return sb.toString();
    }

    private static void quoteElement(StringBuilder sb, String text) {
        boolean quote = text.isEmpty() || text.equalsIgnoreCase("NULL");
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || c == ' ' || c == '\t' || c == '\n'
                    || c == '\r' || c == '\u000B' || c == '\f';
        }
        if (quote) {
            quoted(sb, text);
        } else {
            sb.append(text);
        }
    }

    private static void quoted(StringBuilder sb, String text) {
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    // ------------------------------------------------------------------ float4/float8

    /** float4out/float8out with extra_float_digits > 0 (PostgreSQL 12+): the shortest exact form. */
    private static String floating(double v, boolean single) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        java.math.BigDecimal shortest = shortest(v, single);
        String digits = shortest.unscaledValue().toString();
        int exponent = digits.length() - 1 - shortest.scale(); // v = d.ddd × 10^exponent
        String sign = v < 0 ? "-" : "";
        if (exponent < -4 || exponent >= (single ? 6 : 15)) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return sign + shortest.toPlainString();
    }

    /**
     * The decimal with the fewest digits strictly inside {@code |v|}'s rounding interval (the halfway
     * points to its neighbours excluded, as PostgreSQL's Ryu does: 1e23 prints as 9.999999999999999e+22),
     * the closest one when several have that many digits; no trailing zeros.
     */
    private static java.math.BigDecimal shortest(double v, boolean single) {
        double abs = Math.abs(v);
        java.math.BigDecimal exact = new java.math.BigDecimal(abs);
        double up = single ? Math.nextUp((float) abs) : Math.nextUp(abs);
        double down = single ? Math.nextDown((float) abs) : Math.nextDown(abs);
        java.math.BigDecimal two = java.math.BigDecimal.valueOf(2);
        java.math.BigDecimal low = exact.add(new java.math.BigDecimal(down)).divide(two);
        java.math.BigDecimal high = Double.isInfinite(up) ? exact.add(exact.subtract(low))
                : exact.add(new java.math.BigDecimal(up)).divide(two);
        for (int digits = 1; digits <= 17; digits++) {
            for (java.math.RoundingMode mode : new java.math.RoundingMode[] {
                    java.math.RoundingMode.HALF_EVEN, java.math.RoundingMode.CEILING, java.math.RoundingMode.FLOOR}) {
                java.math.BigDecimal candidate = exact.round(new java.math.MathContext(digits, mode));
                if (candidate.compareTo(low) > 0 && candidate.compareTo(high) < 0) {
                    return candidate.stripTrailingZeros();
                }
            }
        }
        return exact.round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    // ------------------------------------------------------------------ date/time

    private static String date(LocalDate d) {
        if (d.equals(LocalDate.MAX)) {
            return "infinity";
        }
        if (d.equals(LocalDate.MIN)) {
            return "-infinity";
        }
        return ymd(d) + (d.getYear() <= 0 ? " BC" : "");
    }

    private static String ymd(LocalDate d) {
        int year = d.getYear() <= 0 ? 1 - d.getYear() : d.getYear();
        return String.format("%04d-%02d-%02d", year, d.getMonthValue(), d.getDayOfMonth());
    }

    private static String time(LocalTime t) {
        if (t.equals(LocalTime.MAX)) {
            return "24:00:00";
        }
        StringBuilder sb = new StringBuilder(15);
        sb.append(String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
        fraction(sb, t.getNano() / 1000);
        return sb.toString();
    }

    /** {@code .ffffff} without trailing zeros, nothing for whole seconds. */
    private static void fraction(StringBuilder sb, long micros) {
        if (micros == 0) {
            return;
        }
        String digits = String.format("%06d", micros);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        sb.append('.').append(digits, 0, end);
    }

    private static String offset(ZoneOffset offset) {
        int total = offset.getTotalSeconds();
        int abs = Math.abs(total);
        StringBuilder sb = new StringBuilder().append(total < 0 ? '-' : '+').append(String.format("%02d", abs / 3600));
        if (abs % 3600 != 0) {
            sb.append(String.format(":%02d", abs / 60 % 60));
            if (abs % 60 != 0) {
                sb.append(String.format(":%02d", abs % 60));
            }
        }
        return sb.toString();
    }

    private static String timestamp(LocalDateTime t, String zone) {
        if (t.equals(LocalDateTime.MAX)) {
            return "infinity";
        }
        if (t.equals(LocalDateTime.MIN)) {
            return "-infinity";
        }
        return ymd(t.toLocalDate()) + " " + time(t.toLocalTime()) + zone + (t.getYear() <= 0 ? " BC" : "");
    }

    private static String timestamptz(OffsetDateTime t) {
        if (t.equals(OffsetDateTime.MAX)) {
            return "infinity";
        }
        if (t.equals(OffsetDateTime.MIN)) {
            return "-infinity";
        }
        return timestamp(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime(), "+00");
    }

    /** EncodeInterval, IntervalStyle postgres. */
    private static String interval(PgInterval v) {
        if (v.equals(PgInterval.POSITIVE_INFINITY)) {
            return "infinity";
        }
        if (v.equals(PgInterval.NEGATIVE_INFINITY)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder();
        boolean[] zeroBefore = {true, false}; // is_zero, is_before
        part(sb, v.months() / 12, "year", zeroBefore);
        part(sb, v.months() % 12, "mon", zeroBefore);
        part(sb, v.days(), "day", zeroBefore);
        long micros = v.microseconds();
        if (zeroBefore[0] || micros != 0) {
            long hours = micros / 3_600_000_000L;
            long minutes = micros / 60_000_000L % 60;
            long seconds = micros / 1_000_000L % 60;
            long fraction = micros % 1_000_000L;
            sb.append(zeroBefore[0] ? "" : " ").append(micros < 0 ? "-" : zeroBefore[1] ? "+" : "")
                    .append(String.format("%02d:%02d:%02d", Math.abs(hours), Math.abs(minutes), Math.abs(seconds)));
            fraction(sb, Math.abs(fraction));
        }
        return sb.toString();
    }

    private static void part(StringBuilder sb, long value, String unit, boolean[] zeroBefore) {
        if (value == 0) {
            return;
        }
        sb.append(zeroBefore[0] ? "" : " ").append(zeroBefore[1] && value > 0 ? "+" : "").append(value).append(' ')
                .append(unit).append(value != 1 ? "s" : "");
        zeroBefore[1] = value < 0;
        zeroBefore[0] = false;
    }

    // ------------------------------------------------------------------ inet/cidr

    private static String inet(Object value, boolean cidr) {
        InetAddress address = value instanceof Cidr c ? c.address() : (InetAddress) value;
        int bits = address.getAddress().length * 8;
        int prefix = value instanceof Cidr c ? c.prefixLength() : bits;
        String text = address instanceof Inet4Address ? address.getHostAddress() : ipv6(address.getAddress());
        return cidr || prefix != bits ? text + "/" + prefix : text;
    }

    /** inet_net_ntop's IPv6 form: the longest run of two or more zero words as ::, a mapped IPv4 tail dotted. */
    private static String ipv6(byte[] b) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xFFFF))) {
                sb.append(b[12] & 0xFF).append('.').append(b[13] & 0xFF).append('.').append(b[14] & 0xFF).append('.').append(b[15] & 0xFF);
                break;
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }
}
