package io.pgconn.config;


import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An enumerated configuration value spelled as libpq spells it ({@code verify-full},
 * {@code prefer-standby}). Two parsers: {@link #parse} is case-insensitive and accepts {@code _} for
 * {@code -} (Java callers and Spring's relaxed binding); {@link #parseExact}, used for connection
 * strings, service files, {@code PG*} variables and R2DBC options, accepts only libpq's exact
 * spelling, as libpq does ({@code sslmode=REQUIRE} is refused by both).
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

    /** Like {@link #parse}, but only libpq's exact spelling is accepted (libpq compares with strcmp). */
    static <E extends Enum<E> & LibpqValue> E parseExact(Class<E> type, String keyword, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.libpqName().equals(value)) {
                return e;
            }
        }
        throw SafeText.settingError(keyword, value, "invalid " + keyword + " value: \"" + SafeText.excerpt(value) + "\" (expected one of "
                + allowed(type) + ", spelled exactly so)");
    }

    /** The allowed spellings, comma separated, for error messages and configuration metadata. */
    static <E extends Enum<E> & LibpqValue> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(LibpqValue::libpqName).collect(Collectors.joining(", "));
    }
}
