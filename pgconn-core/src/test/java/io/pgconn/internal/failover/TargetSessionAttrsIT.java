package io.pgconn.internal.failover;

import io.pgconn.JvmDnsCache;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.ServerRole;
import io.pgconn.PgConnectException;
import io.pgconn.PgConnection;
import io.pgconn.PgConnectionFactory;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.TargetSessionAttrs;
import io.pgconn.testing.Backends;
import io.pgconn.testing.FactoryExtension;
import io.pgconn.trace.PgTracer;
import io.pgconn.testkit.PgClusterExtension;
import io.pgconn.testing.NamedTestHost;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.pgconn.testing.Connect.await;
import static io.pgconn.testing.Connect.failure;
import static org.assertj.core.api.Assertions.assertThat;

/** libpq's target_session_attrs table against a real primary and hot standby (role from ParameterStatus). */
class TargetSessionAttrsIT {

    @RegisterExtension
    static final PgClusterExtension PG = FailoverCluster.withStandbys("tsa", 1);

    // a fresh factory per connect would forget host memory; this one is reset by using hostRecheckInterval=0
    @RegisterExtension
    static final FactoryExtension FACTORY = new FactoryExtension();

    private static int port(String node) {
        return node.equals("P") ? PG.primary().port() : PG.standby(0).port();
    }

    @ParameterizedTest(name = "hosts ({0},{1}) target_session_attrs={2} → {3}")
    @CsvSource({
            "P, S, any,            P", "S, P, any,            S",
            "P, S, read-write,     P", "S, P, read-write,     P",
            "P, S, read-only,      S", "S, P, read-only,      S",
            "P, S, primary,        P", "S, P, primary,        P",
            "P, S, standby,        S", "S, P, standby,        S",
            "P, S, prefer-standby, S", "S, P, prefer-standby, S",
            "P, P, prefer-standby, P",
    })
    void landsOnTheExpectedNode(String first, String second, String attrs, String expected) {
        PgConnection c = await(FACTORY.factory().connect(FailoverCluster.config("hostRecheckInterval=0 target_session_attrs=" + attrs,
                port(first), port(second))));
        try {
            assertThat(c.hostSpec().port()).isEqualTo(port(expected));
            assertThat(c.role()).isEqualTo(expected.equals("P") ? ServerRole.PRIMARY : ServerRole.STANDBY);
        } finally {
            await(c.close());
        }
    }

    @Test
    void aRejectedHostsSessionIsTerminatedWhenTheWalkEnds() {
        int s = port("S");
        int p = port("P");
        AtomicReference<String> standbySessionsWhenPrimaryConnected = new AtomicReference<>();
        PgTracer tracer = new PgTracer() {
            @Override
            public void hostAttemptEnded(HostAttemptEnded event) {
                if (event.host().endsWith(":" + p)) {
                    standbySessionsWhenPrimaryConnected.set(PG.standby(0).queryValue(
                            "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + FailoverCluster.USER + "'"));
                }
            }
        };
        try (PgConnectionFactory factory = PgConnectionFactory.builder(FailoverCluster.config("target_session_attrs=read-write", s, p))
                .tracer(tracer).build()) { // hostAttemptEnded runs on the walk's loop, before the walk ends
            PgConnection c = await(factory.connect());
            assertThat(c.hostSpec().port()).isEqualTo(p);
            assertThat(standbySessionsWhenPrimaryConnected.get())
                    .as("the standby's session stayed open while the next host started up (its exit would compete for CPU)")
                    .isEqualTo("1");
            Backends.awaitNoneOf(PG.standby(0), FailoverCluster.USER); // and gets its Terminate once the walk is over
            assertThat(factory.openConnections()).isEqualTo(1);
            await(c.close());
        }
    }

    @Test
    void twoStandbysCannotServeReadWrite() {
        int s = port("S");
        Throwable failure = failure(FACTORY.factory().connect(FailoverCluster.config("hostRecheckInterval=0 target_session_attrs=read-write", s, s)));
        assertThat(failure).isInstanceOf(PgConnectException.class)
                .hasMessageContaining("could not connect to any of 2 hosts")
                .hasMessageContaining("127.0.0.1:" + s + ": server 127.0.0.1:" + s + " is standby, not acceptable for target_session_attrs=read-write");
        assertThat(failure.getSuppressed()).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(PgRoleMismatchException.class));
        assertThat(FACTORY.factory().openConnections()).isZero();
    }

    /**
     * New user 24 F2: a host given by NAME that answers in the wrong role may be the name's old address, kept by the
     * JVM's DNS cache after a switchover repointed it — the message says the address dialled and the cache's TTL.
     * {@link NamedTestHost#NAME} stands for such a name (mapped to 127.0.0.1 by the {@code named-host} execution's hosts
     * file; {@code localhost} gets no hint, NEW-USER-30 F2).
     */
    @Test
    @Tag(NamedTestHost.TAG)
    void aHostNameInTheWrongRoleNamesTheAddressDialledAndTheJvmDnsCache() {
        int s = port("S");
        String name = NamedTestHost.NAME;
        ConnConfig named = ConnConfig.parse("host=" + name + " port=" + s + " dbname=postgres user=" + FailoverCluster.USER
                + " password=" + FailoverCluster.PASSWORD + " sslmode=disable extensionTypes='' hostRecheckInterval=0"
                + " target_session_attrs=read-write", EnvironmentSource.of(Map.of()));
        Throwable failure = failure(FACTORY.factory().connect(named));
        List<Throwable> failures = new ArrayList<>(List.of(failure));
        failures.addAll(List.of(failure.getSuppressed()));
        List<PgRoleMismatchException> mismatches = failures.stream().filter(PgRoleMismatchException.class::isInstance)
                .map(PgRoleMismatchException.class::cast).toList();
        assertThat(mismatches).isNotEmpty().allSatisfy(e -> {
            assertThat(e.host()).isEqualTo(name + ":" + s);
            assertThat(e).hasMessage("server " + name + ":" + s + " (127.0.0.1) is standby, not acceptable for"
                    + " target_session_attrs=read-write\nHINT: " + new JvmDnsCache.LookedUp(name, "127.0.0.1").wrongRoleHint());
        });
        assertThat(failure.getMessage()).contains("HINT: \"" + name + "\" is a host name, and the JVM keeps the addresses it looked up");

        // the same server by its address: nothing about DNS
        Throwable byAddress = failure(FACTORY.factory().connect(FailoverCluster.config("hostRecheckInterval=0 target_session_attrs=read-write", s)));
        assertThat(byAddress).hasMessage("server 127.0.0.1:" + s + " is standby, not acceptable for target_session_attrs=read-write");
        assertThat(FACTORY.factory().openConnections()).isZero();
    }

    /** REVIEW-11 F6: the role and the target are data on a public type, so a caller need not read the message. */
    @Test
    void aStandbyAloneForPrimaryIsARoleMismatchNamingItsRoleAndTheTarget() {
        int s = port("S");
        Throwable failure = failure(FACTORY.factory().connect(FailoverCluster.config("hostRecheckInterval=0 target_session_attrs=primary", s)));
        assertThat(failure).isInstanceOfSatisfying(PgRoleMismatchException.class, mismatch -> {
            assertThat(mismatch.role()).isEqualTo(ServerRole.STANDBY);
            assertThat(mismatch.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PRIMARY);
            assertThat(mismatch.host()).isEqualTo("127.0.0.1:" + s);
            assertThat(mismatch.sqlState()).isEmpty();
        }).hasMessage("server 127.0.0.1:" + s + " is standby, not acceptable for target_session_attrs=primary");
        assertThat(FACTORY.factory().openConnections()).isZero();
        Backends.awaitNoneOf(PG.standby(0), FailoverCluster.USER); // the standby's session was closed
    }

    /**
     * REVIEW-11 F6: two standbys for primary (a failover before the promotion): one connect failure listing both hosts,
     * each host's role mismatch attached as suppressed with its role and the target.
     */
    @Test
    void twoStandbysForPrimaryFailWithEachHostsRoleMismatchAttached() {
        int s = port("S");
        Throwable failure = failure(FACTORY.factory().connect(FailoverCluster.config("hostRecheckInterval=0 target_session_attrs=primary", s, s)));
        assertThat(failure).isExactlyInstanceOf(PgConnectException.class)
                .hasMessageStartingWith("could not connect to any of 2 hosts (target_session_attrs=primary):");
        assertThat(((PgConnectException) failure).host()).isNull();
        assertThat(failure.getSuppressed()).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(PgRoleMismatchException.class,
                mismatch -> {
                    assertThat(mismatch.role()).isEqualTo(ServerRole.STANDBY);
                    assertThat(mismatch.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PRIMARY);
                    assertThat(mismatch.host()).isEqualTo("127.0.0.1:" + s);
                }));
        assertThat(FACTORY.factory().openConnections()).isZero();
    }

    @Test
    void twoPrimariesCannotServeStandby() {
        int p = port("P");
        Throwable failure = failure(FACTORY.factory().connect(FailoverCluster.config("hostRecheckInterval=0 target_session_attrs=standby", p, p)));
        assertThat(failure).isInstanceOf(PgConnectException.class).hasMessageContaining("is primary");
        assertThat(failure.getSuppressed()).hasSize(2);
    }

    @Test
    void currentRoleAgreesWithParameterStatusOnARealServer() {
        // the probe path itself (a server that reports no in_hot_standby) is covered by RoleProbeIT; here the
        // probe's SQL runs on real servers and must say what their ParameterStatus says
        for (String node : new String[]{"P", "S"}) {
            PgConnection c = await(FACTORY.factory().connect(FailoverCluster.config("", port(node))));
            try {
                ServerRole expected = node.equals("S") ? ServerRole.STANDBY : ServerRole.PRIMARY;
                assertThat(await(c.currentRole())).isEqualTo(expected); // the probe, as the starter's health check asks it
                assertThat(RoleCheck.fromParameters(c.parameters())).isEqualTo(expected);
                assertThat(c.role()).isEqualTo(expected);
            } finally {
                await(c.close());
            }
        }
    }
}
