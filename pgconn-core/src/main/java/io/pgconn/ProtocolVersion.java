package io.pgconn;


/**
 * A frontend/backend protocol version. 3.0 is what every server speaks; 3.2 (PostgreSQL 18)
 * allows cancel keys of 4..256 bytes. 3.1 was never used by any server and is refused.
 */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {

    public static final ProtocolVersion V3_0 = new ProtocolVersion(3, 0);
    public static final ProtocolVersion V3_2 = new ProtocolVersion(3, 2);
    /** What {@code latest} means for this client. */
    public static final ProtocolVersion LATEST = V3_2;

    /**
     * Parses {@code 3.0}, {@code 3.2} or {@code latest} for the given keyword, spelled exactly so: libpq 18
     * refuses {@code LATEST}, {@code 3.00} and surrounding spaces, and so does this.
     */
    public static ProtocolVersion parse(String keyword, String value) {
        if (value == null) {
            throw PgConfigException.ofSetting(keyword, null, "invalid " + keyword + " value: null (expected 3.0, 3.2 or latest)");
        }
        return switch (value) {
            case "3.0" -> V3_0;
            case "3.2" -> V3_2;
            case "latest" -> LATEST;
            default -> throw PgConfigException.ofSetting(keyword, value, "invalid " + keyword + " value: \"" + value
                    + "\" (expected 3.0, 3.2 or latest)");
        };
    }

    /** The 32-bit code sent in StartupMessage: major in the high 16 bits, minor in the low 16. */
    public int code() {
        return (major << 16) | minor;
    }

    public static ProtocolVersion ofCode(int code) {
        return new ProtocolVersion(code >>> 16, code & 0xFFFF);
    }

    @Override
    public int compareTo(ProtocolVersion o) {
        return Integer.compare(code(), o.code());
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
