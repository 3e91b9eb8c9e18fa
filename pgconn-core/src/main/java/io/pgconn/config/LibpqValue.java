package io.pgconn.config;


import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An enumerated configuration value spelled as libpq spells it ({@code verify-full},
 * {@code prefer-standby}). Parsing is case-insensitive and accepts {@code _} for {@code -}, so
 * Spring's relaxed binding and libpq connection strings share one parser.
 */
public interface LibpqValue {

    /** The spelling libpq uses for this value. */
    String libpqName();

    /**
     * Parses {@code value} as one of {@code values}; fails naming the keyword, the value and the
     * allowed spellings.
     */
    static <E extends Enum<E> & LibpqValue> E parse(Class<E> type, String keyword, String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (E e : type.getEnumConstants()) {
                if (e.libpqName().equals(wanted)) {
                    return e;
                }
            }
        }
        throw SafeText.settingError(keyword, value, "invalid " + keyword + " value: \"" + SafeText.excerpt(value) + "\" (expected one of "
                + allowed(type) + ")");
    }

    /** The allowed spellings, comma separated, for error messages and configuration metadata. */
    static <E extends Enum<E> & LibpqValue> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(LibpqValue::libpqName).collect(Collectors.joining(", "));
    }
}
