package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.JvmDnsCache;
import io.pgconn.ServerRole;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Whether the server behind one host label changed while the label stayed — a switchover behind one DNS name,
 * Kubernetes Service, pooler or virtual IP, which the label alone cannot show (NEW-USER-24 F4: {@code failovers} stayed
 * 0 and {@code activeHost} the same label although the writes had moved to another server). Told every answer of the
 * label's probes, in order (one monitor, one probe at a time), with the {@link ServerIdentity} the probe session's
 * server gave at its login. An answer shows another server than before when:
 * <ul>
 *   <li>it answers as a primary, and the server that answered as standby last is this one: it was promoted;</li>
 *   <li>it answers as a primary, and another server than the last primary seen behind the label — another start time,
 *       at an address that primary never answered on (a postmaster keeps its start time on all its addresses, a
 *       restarted one its address): the label reaches another primary now.</li>
 * </ul>
 * So a label that spreads logins over a cluster's members (an "any instance" Service, a pooler or DNS name over the
 * primary and its standbys, with target {@code any} or {@code prefer-standby}) and answers standby at one re-login and
 * primary at the next is no failover while the primary is the one seen before (REVIEW-26 R26-1: it counted one at
 * every such flip); and a primary that answers first after standbys only (no primary seen behind the label before)
 * is not counted: nothing tells that it was promoted rather than always primary. Not seen: a virtual IP moved from a
 * primary to a server already promoted, which keeps the address and shows only another start time, as a restart of the
 * same server does.
 * <p>When a server did not tell its identity (its probe's identity query failed), the answer goes by role and dialled
 * address alone: standby then primary is a promotion, or the label reaching the promoted server; a primary after the
 * label went down, dialled at another address of its name (a name given to the monitor's login by the JVM's DNS
 * cache: {@link HostView#lookedUp()}), is a repointed name — only after such a loss, since a name's several addresses
 * of one server are dialled in turn at routine re-logins (REVIEW-25 R25-9). Answers while {@code down} in between
 * keep what the last answer was. Addresses go to the failover's log line ({@link Change#why()}), never to the health
 * endpoint (see {@link HostFailureReason}).
 */
final class ServerBehindLabel {

    /** Addresses kept of the last primary: a server has few; past this many they start anew (bounded memory). */
    private static final int MAX_ADDRESSES_OF_ONE_SERVER = 8;

    private ServerRole lastRole = ServerRole.UNKNOWN;

    /** The server that gave the label's last answer, if it told its identity. */
    private @Nullable ServerIdentity lastServer;

    /** The last server that answered as primary behind the label and told its identity: when it started... */
    private @Nullable String lastPrimaryStartedAt;

    /** ...and the addresses it answered on (one postmaster, several addresses: dual-stack, a name's addresses). */
    private final Set<String> lastPrimaryAddresses = new LinkedHashSet<>();

    /** The address the label's last answering probe session was dialled on, for a label that is a name. */
    private @Nullable String lastAddress;

    /** Whether the label went down since its last answer: only then may another address mean another server. */
    private boolean lostSinceLastAnswer;

    /** The label's probe failed or its session ended: the server behind it may have gone away. */
    void lost() {
        this.lostSinceLastAnswer = true;
    }

    /**
     * The label's probe session answered in {@code role}, dialled as {@code lookedUp} says ({@code null}: not a name, or
     * unknown), on {@code server} ({@code null}: it did not tell) at {@code at}: the change this answer shows, or
     * {@code null} when it shows the server the last one did.
     */
    @Nullable Change answered(ServerRole role, JvmDnsCache.@Nullable LookedUp lookedUp, @Nullable ServerIdentity server,
            Instant at) {
        if (role == ServerRole.UNKNOWN) {
            return null;
        }
        String address = lookedUp == null ? null : lookedUp.address();
        String why = server != null ? byIdentity(role, server) : byRoleAndAddress(role, lookedUp, address);
        this.lastRole = role;
        this.lostSinceLastAnswer = false;
        if (address != null) {
            this.lastAddress = address;
        }
        this.lastServer = server;
        if (server != null && !role.isStandby()) {
            rememberPrimary(server);
        }
        return why == null ? null : new Change(at, why);
    }

    /** A primary that was the last standby, or another primary than the last one. */
    private @Nullable String byIdentity(ServerRole role, ServerIdentity server) {
        if (role.isStandby()) {
            return null;
        }
        if (this.lastRole == ServerRole.STANDBY && this.lastServer != null && !server.isAnotherServerThan(this.lastServer)) {
            return "it answered as standby and answers as " + role.label() + " now: the server behind it, " + server
                    + ", was promoted";
        }
        if (this.lastPrimaryStartedAt != null && !this.lastPrimaryStartedAt.equals(server.startedAt())
                && !this.lastPrimaryAddresses.contains(server.address())) {
            return "another server answers as " + role.label() + " now: " + server + ", was "
                    + String.join(" or ", this.lastPrimaryAddresses) + " (started " + this.lastPrimaryStartedAt + ")";
        }
        return null;
    }

    /**
     * {@code server} answered as primary: the same server as the last primary when it kept its start time (another of its
     * addresses) or its address (restarted), whose addresses then grow by this one (a few at most); else it replaces it.
     */
    private void rememberPrimary(ServerIdentity server) {
        boolean same = server.startedAt().equals(this.lastPrimaryStartedAt) || this.lastPrimaryAddresses.contains(server.address());
        if (!same || this.lastPrimaryAddresses.size() >= MAX_ADDRESSES_OF_ONE_SERVER) {
            this.lastPrimaryAddresses.clear();
        }
        this.lastPrimaryAddresses.add(server.address());
        this.lastPrimaryStartedAt = server.startedAt();
    }

    /** Without the server's identity: standby then primary, or a primary at another address of a name after a loss. */
    private @Nullable String byRoleAndAddress(ServerRole role, JvmDnsCache.@Nullable LookedUp lookedUp, @Nullable String address) {
        if (this.lastRole == ServerRole.STANDBY && !role.isStandby()) {
            return "it answered as standby and answers as " + role.label() + " now: a promotion, or the label reaches the"
                    + " promoted server now" + (address != null && !address.equals(this.lastAddress) && this.lastAddress != null
                            ? " (" + lookedUp.name() + " at " + address + ", was " + this.lastAddress + ")" : "");
        }
        if (this.lastRole != ServerRole.UNKNOWN && !this.lastRole.isStandby() && !role.isStandby() && this.lostSinceLastAnswer
                && address != null && this.lastAddress != null && !address.equals(this.lastAddress)) {
            return lookedUp.name() + " reaches " + address + " now (was " + this.lastAddress + "), a " + role.label();
        }
        return null;
    }

    /**
     * One change of the server behind a label: when it was seen and why, for the failover's log line (which may name
     * the addresses: the WARN of {@link NoAcceptableHostLog} does); health shows only {@code at}.
     */
    record Change(Instant at, String why) {
    }
}
