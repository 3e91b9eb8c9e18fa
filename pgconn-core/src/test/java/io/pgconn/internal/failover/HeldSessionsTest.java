package io.pgconn.internal.failover;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.AuthMethod;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.ProtocolVersion;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.session.SessionFacts;
import io.pgconn.internal.session.PipelinedSession;
import io.pgconn.internal.session.SessionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class HeldSessionsTest {

    private final HeldSessions held = new HeldSessions();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    private ConnectionControl session(String host) {
        EmbeddedChannel channel = new EmbeddedChannel(FrontendMessageEncoder.INSTANCE, new SessionHandler(new PipelinedSession(host + ":5432", Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE)));
        channels.add(channel);
        SessionFacts facts = new SessionFacts(new HostSpec(host, null, 5432), null, null, 42, new byte[4], ProtocolVersion.V3_0, AuthMethod.NONE);
        return new ConnectionControl(channel, facts, ((SessionHandler) channel.pipeline().last()).session(), Map.of(),
                f -> CompletableFuture.completedFuture(null));
    }

    /** Whether the session got its Terminate ('X') and its channel closed, after the loop ran what was queued. */
    private static boolean terminated(ConnectionControl connection) {
        EmbeddedChannel channel = (EmbeddedChannel) connection.channel();
        channel.runPendingTasks();
        ByteBuf out = channel.readOutbound();
        boolean sentTerminate = out != null && out.getByte(0) == 'X';
        if (out != null) {
            out.release();
        }
        return sentTerminate && !channel.isOpen();
    }

    @AfterEach
    void releaseChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void aWrongRoleSessionStaysOpenUntilTheWalkEnds() {
        ConnectionControl standby = session("standby");
        held.closeAtEnd(standby);
        assertThat(terminated(standby)).isFalse();
        held.release(null);
        assertThat(terminated(standby)).isTrue();
    }

    @Test
    void afterTheWalkEndedASessionIsClosedAtOnce() {
        held.release(null);
        ConnectionControl late = session("late");
        held.closeAtEnd(late);
        assertThat(terminated(late)).isTrue();
        ConnectionControl lateCandidate = session("late-candidate");
        held.offerCandidate(lateCandidate);
        assertThat(terminated(lateCandidate)).isTrue();
        assertThat(held.takeCandidate()).isNull();
    }

    @Test
    void theFirstCandidateIsKeptAndALaterOneClosed() {
        ConnectionControl first = session("first");
        ConnectionControl second = session("second");
        held.offerCandidate(first);
        held.offerCandidate(second);
        assertThat(terminated(second)).isTrue();
        assertThat(held.takeCandidate()).isSameAs(first);
        assertThat(held.takeCandidate()).isNull();
        held.release(first);
        assertThat(terminated(first)).as("taken: the walk owns it now").isFalse();
    }

    @Test
    void releaseClosesWhatIsHeldExceptTheSessionHandedOut() {
        ConnectionControl candidate = session("candidate");
        ConnectionControl standby = session("standby");
        held.offerCandidate(candidate);
        held.closeAtEnd(standby);
        held.release(candidate); // e.g. the candidate won while its discovery was still pending
        assertThat(terminated(candidate)).isFalse();
        assertThat(terminated(standby)).isTrue();
    }
}
