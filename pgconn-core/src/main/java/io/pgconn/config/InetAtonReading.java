package io.pgconn.config;

/**
 * How libpq reads a host that looks like an IPv4 address: {@code getaddrinfo} takes it as a number by inet_aton's
 * rules before any name look-up — one to four dot-separated parts, each decimal, octal after a leading {@code 0},
 * or hexadecimal after {@code 0x}, the last part filling the remaining bytes. The JDK's resolver reads the
 * decimal forms alike ({@code 127.1}, {@code 2130706433}) but a leading zero as decimal and no hexadecimal at all,
 * so for those texts the two would dial different servers, or one of them none (docs/lifecycle.md §9).
 */
final class InetAtonReading {

    private static final long[] LAST_PART_MAX = {0, 0xffffffffL, 0xffffffL, 0xffffL, 0xffL};

    private InetAtonReading() {
    }

    /**
     * Whether {@code host} is written as an IPv4 address with a part that inet_aton reads otherwise than the JDK:
     * a leading zero (octal) before more than one digit or an 8 or 9 ({@code 010}, {@code 08}; {@code 000} and {@code 07}
     * read alike), or {@code 0x} (hexadecimal). A name that only starts like a number ({@code 010.example},
     * {@code 1e100}) is not.
     */
    static boolean differsFromJdk(String host) {
        String[] parts = numericParts(host);
        if (parts == null) {
            return false;
        }
        for (String part : parts) {
            if (part.length() > 1 && part.charAt(0) == '0') {
                if (part.charAt(1) == 'x' || part.charAt(1) == 'X') {
                    return true;
                }
                // octal and decimal agree on one digit from 0 to 7 after the zeros (000, 07): read alike
                String digits = part.replaceFirst("^0+", "");
                if (digits.length() > 1 || (digits.length() == 1 && digits.charAt(0) > '7')) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The address libpq dials for {@code host} (dotted decimal), or {@code null} when inet_aton reads none in it. */
    static String libpqAddress(String host) {
        String[] parts = numericParts(host);
        if (parts == null) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = value(parts[i]);
            long max = i == parts.length - 1 ? LAST_PART_MAX[parts.length] : 0xff;
            if (values[i] < 0 || values[i] > max) {
                return null;
            }
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            address |= values[i] << (24 - 8 * i);
        }
        address |= values[parts.length - 1];
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    /** The parts, when every one is a C integer constant (decimal digits, or {@code 0x} and hex digits); else {@code null}. */
    private static String[] numericParts(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        for (String part : parts) {
            if (!part.matches("[0-9]+|0[xX][0-9a-fA-F]+")) { // a bare 0x is no number to inet_aton either
                return null;
            }
        }
        return parts;
    }

    /** One part as strtoul with base 0 reads it; -1 for an octal part holding 8 or 9, or a number too long for 32 bits. */
    private static long value(String part) {
        int radix = 10;
        String digits = part;
        if (part.length() > 1 && part.charAt(0) == '0') {
            boolean hex = part.charAt(1) == 'x' || part.charAt(1) == 'X';
            radix = hex ? 16 : 8;
            digits = part.substring(hex ? 2 : 1);
        }
        digits = digits.replaceFirst("^0+(?=.)", "");
        if (digits.isEmpty()) {
            return 0;
        }
        if (digits.length() > 11) {
            return -1;
        }
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException notInThatBase) {
            return -1;
        }
    }
}
