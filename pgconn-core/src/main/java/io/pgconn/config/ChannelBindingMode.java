package io.pgconn.config;


/** libpq's {@code channel_binding}: whether SCRAM-SHA-256-PLUS is avoided, preferred or required. */
public enum ChannelBindingMode implements LibpqValue {
    DISABLE("disable"),
    PREFER("prefer"),
    REQUIRE("require");

    private final String libpqName;

    ChannelBindingMode(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    public static ChannelBindingMode parse(String value) {
        return LibpqValue.parse(ChannelBindingMode.class, "channel_binding", value);
    }
}
