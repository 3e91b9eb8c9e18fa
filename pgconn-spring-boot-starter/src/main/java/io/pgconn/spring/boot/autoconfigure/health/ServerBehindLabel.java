package io.pgconn.spring.boot.autoconfigure.health;

import io.pgconn.JvmDnsCache;
import io.pgconn.ServerRole;
import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * Whether the server behind one host label changed while the label stayed — a switchover behind one DNS name,
 * Kubernetes Service or virtual IP, which the label alone cannot show (NEW-USER-24 F4: {@code failovers} stayed 0 and
 * {@code activeHost} the same label although the writes had moved to another server). Told every answer of the label's
 * probes, in order (one monitor, one probe at a time); an answer is another server than the last one when:
 * <ul>
 *   <li>the label answered as {@code standby} and now answers as a primary: a standby turns primary only by a
 *       promotion — of the server behind the label, or the label now reaches the promoted server;</li>
 *   <li>it answered as a primary, then went down (its probe failed: the server behind it went away), and now answers
 *       as a primary dialled at another address (a name, given to the monitor's login by the JVM's DNS cache:
 *       {@link HostView#lookedUp()}): the name was repointed. Only after such a loss: a name with several addresses
 *       of one server, or of pooler replicas fronting one primary (dual-stack, DNS round robin, a headless Service,
 *       {@code load_balance_hosts=random} shuffling them at each login), is dialled at another of them at a routine
 *       re-login, and that is no failover (REVIEW-25 R25-9: {@code failovers} rose at every re-login).</li>
 * </ul>
 * Not seen: a label whose address stays (a virtual IP, a Service's cluster IP, a load balancer) moved from a primary
 * that went away (its probe session ended with it: the label {@code down}) to a server already promoted — that looks
 * like the same primary restarted, and nothing a client sees tells them apart. Answers while {@code down} in between
 * keep what the last answer was. Addresses go to the failover's log line ({@link Change#why()}), never to the health
 * endpoint (see {@link HostFailureReason}).
 */
final class ServerBehindLabel {

    private ServerRole lastRole = ServerRole.UNKNOWN;

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
     * unknown) at {@code at}: the change this answer shows, or {@code null} when it shows the server the last one did.
     */
    @Nullable Change answered(ServerRole role, JvmDnsCache.@Nullable LookedUp lookedUp, Instant at) {
        if (role == ServerRole.UNKNOWN) {
            return null;
        }
        String address = lookedUp == null ? null : lookedUp.address();
        String why = null;
        if (this.lastRole == ServerRole.STANDBY && !role.isStandby()) {
            why = "it answered as standby and answers as " + role.label() + " now: a promotion, or the label reaches the"
                    + " promoted server now" + (address != null && !address.equals(this.lastAddress) && this.lastAddress != null
                            ? " (" + lookedUp.name() + " at " + address + ", was " + this.lastAddress + ")" : "");
        } else if (this.lastRole != ServerRole.UNKNOWN && !this.lastRole.isStandby() && !role.isStandby() && this.lostSinceLastAnswer
                && address != null && this.lastAddress != null && !address.equals(this.lastAddress)) {
            why = lookedUp.name() + " reaches " + address + " now (was " + this.lastAddress + "), a " + role.label();
        }
        this.lastRole = role;
        this.lostSinceLastAnswer = false;
        if (address != null) {
            this.lastAddress = address;
        }
        if (why == null) {
            return null;
        }
        return new Change(at, why);
    }

    /**
     * One change of the server behind a label: when it was seen and why, for the failover's log line (which may name
     * the addresses: the WARN of {@link NoAcceptableHostLog} does); health shows only {@code at}.
     */
    record Change(Instant at, String why) {
    }
}
