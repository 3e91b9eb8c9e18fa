package io.pgconn.config;


/** libpq's {@code load_balance_hosts}: try hosts in the given order, or shuffle them per connect. */
public enum LoadBalanceHosts implements LibpqValue {
    DISABLE("disable"),
    RANDOM("random");

    private final String libpqName;

    LoadBalanceHosts(String libpqName) {
        this.libpqName = libpqName;
    }

    @Override
    public String libpqName() {
        return libpqName;
    }

    public static LoadBalanceHosts parse(String value) {
        return LibpqValue.parse(LoadBalanceHosts.class, "load_balance_hosts", value);
    }
}
