package io.pgconn;

import io.pgconn.config.HostResolverKind;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public role-mismatch exception: its data, its message, its arguments checked, serializable (REVIEW-12 L4). */
class PgRoleMismatchExceptionTest {

    @Test
    void itsRoleAndTargetAreDataAndTheMessageNamesHostRoleAndTarget() throws Exception {
        PgRoleMismatchException e = new PgRoleMismatchException("db1:5432", ServerRole.STANDBY, TargetSessionAttrs.PRIMARY);
        assertThat(e.role()).isEqualTo(ServerRole.STANDBY);
        assertThat(e.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PRIMARY);
        assertThat(e.host()).isEqualTo("db1:5432");
        assertThat(e.getMessage()).contains("db1:5432", ServerRole.STANDBY.label(), "target_session_attrs=primary");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            PgRoleMismatchException read = (PgRoleMismatchException) in.readObject();
            assertThat(read.role()).isEqualTo(ServerRole.STANDBY);
            assertThat(read.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PRIMARY);
            assertThat(read.getMessage()).isEqualTo(e.getMessage());
        }
    }

    /**
     * New user 24 F2: a name repointed at a switchover was dialled at its old address (the JVM's DNS cache) for 25 s,
     * and each of those connects said only "server pg-rw.svc.local:5432 is standby".
     */
    @Test
    void aHostNameInTheWrongRoleNamesTheAddressDialledAndTheJvmDnsCache() throws Exception {
        InetSocketAddress dialled = new InetSocketAddress(InetAddress.getByName("10.0.0.3"), 5432);
        PgRoleMismatchException e = new PgRoleMismatchException(HostSpec.of("pg-rw.svc.local", 5432), dialled,
                ServerRole.STANDBY, TargetSessionAttrs.READ_WRITE);
        assertThat(e.host()).isEqualTo("pg-rw.svc.local:5432");
        assertThat(e.role()).isEqualTo(ServerRole.STANDBY);
        assertThat(e.getMessage()).isEqualTo("server pg-rw.svc.local:5432 (10.0.0.3) is standby, not acceptable for"
                + " target_session_attrs=read-write\nHINT: " + new JvmDnsCache.LookedUp("pg-rw.svc.local", "10.0.0.3").wrongRoleHint());
        assertThat(e.getMessage()).contains("networkaddress.cache.ttl");
    }

    /** With hostResolver=netty-dns the JVM's cache is not in play: the hint names Netty's, kept by the record's TTL. */
    @Test
    void aHostNameLookedUpByNettyDnsInTheWrongRoleNamesTheRecordsTtlNotTheJvmCache() throws Exception {
        InetSocketAddress dialled = new InetSocketAddress(InetAddress.getByName("10.0.0.3"), 5432);
        PgRoleMismatchException e = new PgRoleMismatchException(HostSpec.of("pg-rw.svc.local", 5432), dialled,
                ServerRole.STANDBY, TargetSessionAttrs.READ_WRITE, HostResolverKind.NETTY_DNS);
        assertThat(e.getMessage()).isEqualTo("server pg-rw.svc.local:5432 (10.0.0.3) is standby, not acceptable for"
                + " target_session_attrs=read-write\nHINT: \"pg-rw.svc.local\" is a host name, looked up with hostResolver=netty-dns,"
                + " which keeps each answer for its DNS record's TTL (at most 30 s): after a switchover that repointed the name,"
                + " 10.0.0.3 may be its old address until that record expires; the name's TTL is set where the name is served"
                + " (docs/lifecycle.md §1.1.1)");
        assertThat(new PgRoleMismatchException(HostSpec.of("pg-rw.svc.local", 5432), dialled, ServerRole.STANDBY,
                TargetSessionAttrs.READ_WRITE, HostResolverKind.SYSTEM)).as("the system resolver: the JVM's cache, as before")
                .hasMessage(new PgRoleMismatchException(HostSpec.of("pg-rw.svc.local", 5432), dialled, ServerRole.STANDBY,
                        TargetSessionAttrs.READ_WRITE).getMessage());
        assertThat(new PgRoleMismatchException(HostSpec.of("10.0.0.3", 5432), dialled, ServerRole.STANDBY,
                TargetSessionAttrs.READ_WRITE, HostResolverKind.NETTY_DNS)).as("an address: nothing of DNS")
                .hasMessage("server 10.0.0.3:5432 is standby, not acceptable for target_session_attrs=read-write");
    }

    @Test
    void anIpAddressInTheWrongRoleSaysNothingOfDns() throws Exception {
        InetSocketAddress dialled = new InetSocketAddress(InetAddress.getByName("10.0.0.3"), 5432);
        assertThat(new PgRoleMismatchException(HostSpec.of("10.0.0.3", 5432), dialled, ServerRole.STANDBY,
                TargetSessionAttrs.READ_WRITE)).hasMessage("server 10.0.0.3:5432 is standby, not acceptable for target_session_attrs=read-write");
        assertThat(new PgRoleMismatchException(new HostSpec("db", "10.0.0.3", 5432), dialled, ServerRole.STANDBY,
                TargetSessionAttrs.READ_WRITE)).as("hostaddr: dialled without DNS")
                .hasMessage("server db:5432 is standby, not acceptable for target_session_attrs=read-write");
    }

    @Test
    void aMissingRoleOrTargetIsNamed() {
        assertThatThrownBy(() -> new PgRoleMismatchException("db1:5432", null, TargetSessionAttrs.PRIMARY))
                .isInstanceOf(NullPointerException.class).hasMessage("role");
        assertThatThrownBy(() -> new PgRoleMismatchException("db1:5432", ServerRole.STANDBY, null))
                .isInstanceOf(NullPointerException.class).hasMessage("targetSessionAttrs");
    }
}
