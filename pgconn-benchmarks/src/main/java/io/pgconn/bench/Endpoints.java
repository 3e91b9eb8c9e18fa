package io.pgconn.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the benchmark servers listen and who may log in: handed from the coordinator to each
 * worker JVM as {@code -Dbench.*} system properties.
 *
 * @param host          the address every client dials (127.0.0.1: no DNS, IP SAN in the server certificate)
 * @param primaryPort   the primary
 * @param standbyPort   a hot standby of it
 * @param refusedPort   a port nothing listens on (the first host of the failover list)
 * @param database      the database
 * @param trustUser     a user the server trusts (no password)
 * @param scramUser     a user with a SCRAM-SHA-256 secret
 * @param scramPassword its password
 * @param caFile        the testkit CA (PEM), for verify-full
 * @param queryPort     a primary without a standby, same settings, users and tables: where the query
 *                      scenarios run ({@link Scenario#topology()})
 */
record Endpoints(String host, int primaryPort, int standbyPort, int refusedPort, String database, String trustUser,
                 String scramUser, String scramPassword, String caFile, int queryPort) {

    private static final String PREFIX = "bench.";

    /** As {@code -Dbench.key=value} JVM arguments. */
    List<String> asJvmArguments() {
        List<String> args = new ArrayList<>();
        asMap().forEach((k, v) -> args.add("-D" + PREFIX + k + "=" + v));
        return args;
    }

    Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("primaryPort", Integer.toString(primaryPort));
        m.put("standbyPort", Integer.toString(standbyPort));
        m.put("refusedPort", Integer.toString(refusedPort));
        m.put("database", database);
        m.put("trustUser", trustUser);
        m.put("scramUser", scramUser);
        m.put("scramPassword", scramPassword);
        m.put("caFile", caFile);
        m.put("queryPort", Integer.toString(queryPort));
        return m;
    }

    /**
     * The same endpoints with the query server as "the primary": what a client instance for the query
     * scenarios is created with, so that it is configured exactly like the connect scenarios' instance.
     */
    Endpoints forQueries() {
        return new Endpoints(host, queryPort, standbyPort, refusedPort, database, trustUser, scramUser, scramPassword, caFile, queryPort);
    }

    /** The same endpoints with the query scenarios sent to the primary with the standby (--query-server with-standby: the old method, for comparison). */
    Endpoints queriesOnPrimaryWithStandby() {
        return new Endpoints(host, primaryPort, standbyPort, refusedPort, database, trustUser, scramUser, scramPassword, caFile, primaryPort);
    }

    /** Reads what {@link #asJvmArguments()} wrote ({@code queryPort} absent, as from older {@code --serve} lines: the primary). */
    static Endpoints fromSystemProperties() {
        int primary = Integer.parseInt(property("primaryPort"));
        String query = System.getProperty(PREFIX + "queryPort");
        return new Endpoints(property("host"), primary, Integer.parseInt(property("standbyPort")),
                Integer.parseInt(property("refusedPort")), property("database"), property("trustUser"), property("scramUser"),
                property("scramPassword"), property("caFile"), query == null ? primary : Integer.parseInt(query));
    }

    private static String property(String key) {
        String value = System.getProperty(PREFIX + key);
        if (value == null) {
            throw new IllegalStateException("system property " + PREFIX + key + " is missing (workers are started by BenchMain)");
        }
        return value;
    }
}
