package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.JvmDnsCache;
import io.pgconn.ServerRole;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "no acceptable host" WARN for hosts given by NAME in the wrong role (new user 24 F2): each such host with the
 * address its probe dialled, and the JVM DNS cache's hint once at the end — not for IP addresses, not per host, and not
 * in the health's public error.
 */
class NoAcceptableHostLogTest {

    private static final Instant AT = Instant.parse("2026-12-06T20:00:00Z");

    @Test
    void aNamedHostInTheWrongRoleIsNamedWithItsAddressAndTheDnsCacheHintOnce() {
        JvmDnsCache.LookedUp rw = new JvmDnsCache.LookedUp("pg-rw.svc.local", "127.0.0.3");
        JvmDnsCache.LookedUp ro = new JvmDnsCache.LookedUp("pg-ro.svc.local", "127.0.0.2");
        List<HostView> views = List.of(
                HostView.unknown("pg-rw.svc.local:5432").up(ServerRole.STANDBY, "15.20", AT, AT, rw),
                HostView.unknown("pg-ro.svc.local:5432").up(ServerRole.STANDBY, "15.20", AT, AT, ro));
        assertThat(NoAcceptableHostLog.describeForLog(views, TargetSessionAttrs.READ_WRITE)).isEqualTo(
                "no host satisfying target_session_attrs=read-write is up: pg-rw.svc.local:5432: standby at 127.0.0.3;"
                        + " pg-ro.svc.local:5432: standby at 127.0.0.2; HINT: " + rw.wrongRoleHint());
        // the health's error is public: no address there (HostFailureReason)
        assertThat(NoAcceptableHostLog.describe(views, TargetSessionAttrs.READ_WRITE)).isEqualTo(
                "no host satisfying target_session_attrs=read-write is up: pg-rw.svc.local:5432: standby;"
                        + " pg-ro.svc.local:5432: standby");
        assertThat(rw.wrongRoleHint()).contains("\"pg-rw.svc.local\" is a host name", "127.0.0.3", "networkaddress.cache.ttl");
    }

    @Test
    void ipAddressesAndDownHostsSayNothingOfDns() {
        List<HostView> views = List.of(
                HostView.unknown("10.0.0.1:5432").up(ServerRole.STANDBY, "18.1", AT),
                HostView.unknown("db2:5432").up(ServerRole.PRIMARY, "18.1", AT).down("connection refused (db2:5432)", AT));
        assertThat(NoAcceptableHostLog.describeForLog(views, TargetSessionAttrs.READ_WRITE)).isEqualTo(
                "no host satisfying target_session_attrs=read-write is up: 10.0.0.1:5432: standby;"
                        + " db2:5432: connection refused (db2:5432)");
    }
}
