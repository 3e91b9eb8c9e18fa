package io.pgconn.internal.failover;

import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.AuthMethod;
import io.pgconn.ConnectFailures;
import io.pgconn.HostStatus;
import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConnectException;
import io.pgconn.PgException;
import io.pgconn.PgTlsException;
import io.pgconn.PgTimeoutException;
import io.pgconn.ProtocolVersion;
import io.pgconn.ServerErrorFields;
import io.pgconn.ServerRole;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.EnvironmentSource;
import io.pgconn.config.HostSpec;
import io.pgconn.internal.connect.AttemptScope;
import io.pgconn.internal.protocol.FrontendMessageEncoder;
import io.pgconn.internal.session.ConnectionControl;
import io.pgconn.internal.session.SessionFacts;
import io.pgconn.internal.session.PipelinedSession;
import io.pgconn.internal.session.SessionHandler;
import io.pgconn.testing.RecordingTracer;
import io.pgconn.trace.PgTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The multi-host walk against scripted hosts behind a stub resolver: no server, no socket. Each
 * host answers each of its addresses as scripted; the stub records what the walk dialled, in order.
 */
class ConnectWalkTest {

    private enum Answer { PRIMARY, STANDBY, REFUSED, AUTH_FAILS, HANGS, NO_DATABASE, NO_PRIVILEGE, TOO_MANY_CONNECTIONS, STARTING_UP, SHUTTING_DOWN, TLS_FAILS, THROWS, DIAL_OVERFLOWS, STEP_THROWS, STEP_OVERFLOWS, FAILS_WHEN_ABORTED }

    private final EventLoopGroup loop = new DefaultEventLoopGroup(1);
    private final Map<String, List<Answer>> script = new HashMap<>();
    private final List<String> dialled = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ConnectionControl> sessions = new ConcurrentHashMap<>();
    private final List<AttemptScope> scopes = Collections.synchronizedList(new ArrayList<>());
    private final HostStatusRegistry registry = new HostStatusRegistry(Clock.systemUTC());
    private final RecordingTracer tracer = new RecordingTracer();
    private final EventLoop walkLoop = loop.next();
    private final List<String> dialledOffTheLoop = Collections.synchronizedList(new ArrayList<>());
    /** The FAILS_WHEN_ABORTED attempts that failed because their scope was aborted. */
    private final List<String> failedOnAbort = Collections.synchronizedList(new ArrayList<>());
    /** A session's parameters that throw when read, as a step of the attempt that breaks. */
    private static final Map<String, String> BROKEN_PARAMETERS = new java.util.AbstractMap<>() {
        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            throw new IllegalStateException("the session's parameters broke");
        }
    };
    /** A session's parameters whose reading overflows the stack: a VirtualMachineError in a step. */
    private static final Map<String, String> OVERFLOWING_PARAMETERS = new java.util.AbstractMap<>() {
        @Override
        public java.util.Set<Entry<String, String>> entrySet() {
            throw new StackOverflowError();
        }
    };
    /** When set, host names resolve on this pool instead of at once, as in production. */
    private ExecutorService lookups;

    private final Endpoints scripted = new Endpoints() {
        @Override
        public CompletableFuture<List<SocketAddress>> resolve(HostSpec host, RandomGenerator shuffle) {
            if (lookups != null) {
                // as the factory's look-up pool does: the addresses arrive on another thread than the walk's loop
                return CompletableFuture.supplyAsync(() -> resolveNow(host), lookups);
            }
            try {
                return CompletableFuture.completedFuture(resolveNow(host));
            } catch (PgConnectException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        private List<SocketAddress> resolveNow(HostSpec host) {
            if (host.host().equals("linkage-broken")) {
                // what a netty-resolver-dns of another Netty version throws when first called
                throw new NoSuchMethodError("io.netty.resolver.dns.DnsNameResolverBuilder.datagramChannelFactory");
            }
            List<Answer> answers = script.get(host.host());
            if (answers == null) {
                throw unresolvable(host);
            }
            List<SocketAddress> addresses = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                addresses.add(address(host, i));
            }
            return addresses;
        }

        @Override
        public CompletableFuture<ConnectionControl> connect(ConnConfig config, HostSpec host, SocketAddress address, Duration budget,
                                                            AttemptScope scope) {
            int index = ((InetSocketAddress) address).getAddress().getAddress()[3] - 1;
            String name = host.host() + "#" + index;
            dialled.add(name);
            scopes.add(scope);
            if (!walkLoop.inEventLoop()) {
                dialledOffTheLoop.add(name);
            }
            if (script.get(host.host()).get(index) == Answer.DIAL_OVERFLOWS) {
                throw new StackOverflowError();
            }
            if (script.get(host.host()).get(index) == Answer.THROWS) {
                // what the Bootstrap-less dial did when its transport class failed verification (JDK 25's javac, no io_uring jar)
                throw new NoClassDefFoundError("io/netty/channel/uring/IoUringSocketChannel");
            }
            return switch (script.get(host.host()).get(index)) {
                case PRIMARY -> CompletableFuture.completedFuture(session(name, host, address, false));
                case STANDBY -> CompletableFuture.completedFuture(session(name, host, address, true));
                case REFUSED -> CompletableFuture.failedFuture(new PgConnectException(host.label(),
                        "connection to " + host.label() + " refused", new ConnectException("Connection refused")));
                case AUTH_FAILS -> CompletableFuture.failedFuture(new PgAuthenticationException(host.label(),
                        "password authentication failed for user \"u\""));
                case HANGS -> new CompletableFuture<>();
                case NO_DATABASE -> startupError(host, "3D000", "database \"d\" does not exist");
                case NO_PRIVILEGE -> startupError(host, "42501", "permission denied for database \"d\"");
                case TOO_MANY_CONNECTIONS -> startupError(host, "53300", "sorry, too many clients already");
                case STARTING_UP -> startupError(host, "57P03", "the database system is starting up");
                case SHUTTING_DOWN -> startupError(host, "57P01", "terminating connection due to administrator command");
                case TLS_FAILS -> CompletableFuture.failedFuture(new PgTlsException(host.label(),
                        "TLS handshake with " + host.label() + " failed: server certificate chain not trusted"));
                case THROWS, DIAL_OVERFLOWS -> throw new IllegalStateException("handled above");
                case STEP_THROWS -> CompletableFuture.completedFuture(session(name, host, address, BROKEN_PARAMETERS));
                case STEP_OVERFLOWS -> CompletableFuture.completedFuture(session(name, host, address, OVERFLOWING_PARAMETERS));
                case FAILS_WHEN_ABORTED -> {
                    // as HostConnector's attempt: the scope closes its socket on abort, and the attempt fails with that
                    CompletableFuture<ConnectionControl> attempt = new CompletableFuture<>();
                    EmbeddedChannel socket = new EmbeddedChannel();
                    socket.closeFuture().addListener(f -> attempt.completeExceptionally(new PgConnectException(host.label(),
                            "connection to " + host.label() + " was closed before the session was ready")));
                    scope.track(socket);
                    yield attempt.whenComplete((ignored, error) -> failedOnAbort.add(name));
                }
            };
        }
    };

    @AfterEach
    void release() throws InterruptedException {
        if (lookups != null) {
            lookups.shutdownNow();
        }
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        sessions.values().forEach(s -> {
            EmbeddedChannel channel = (EmbeddedChannel) s.channel();
            channel.runPendingTasks();
            channel.finishAndReleaseAll();
        });
    }

    @Test
    void triesHostsInOrderAndHandsOutTheFirstThatAnswers() throws Exception {
        script.put("a", List.of(Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("a:5432");
        assertThat(dialled).containsExactly("a#0");
        assertThat(tracer.events(PgTracer.ConnectStarted.class).get(0).hosts()).containsExactly("a:5432", "b:5432");
    }

    @Test
    void skipsAHostThatDoesNotResolveAndOneThatRefuses() throws Exception {
        script.put("a", List.of(Answer.REFUSED));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("", "nowhere", "a", "b").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(dialled).containsExactly("a#0", "b#0");
        assertThat(registry.statuses(List.of("nowhere:5432", "a:5432", "b:5432"))).extracting(HostStatus::state)
                .containsExactly(HostStatus.State.DOWN, HostStatus.State.DOWN, HostStatus.State.UP);
        assertThat(tracer.events(PgTracer.HostAttemptEnded.class)).extracting(PgTracer.HostAttemptEnded::outcome)
                .containsExactly(PgTracer.HostOutcome.FAILED, PgTracer.HostOutcome.REFUSED, PgTracer.HostOutcome.CONNECTED);
    }

    @Test
    void triesEveryAddressOfAHostBeforeTheNextHost() throws Exception {
        script.put("a", List.of(Answer.REFUSED, Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("").get(5, TimeUnit.SECONDS);

        assertThat(dialled).containsExactly("a#0", "a#1");
        assertThat(connection.remoteAddress()).isEqualTo(address(connection.hostSpec(), 1));
    }

    /**
     * Once the server behind an address answered, the host's other addresses are skipped and the next host is tried, as
     * libpq 18 ({@code try_next_host}): a role mismatch, 57P03, and pgconn's move-on errors 53300, 57P01 and 3D000 alike
     * (REVIEW-25 R25-1: main tried the name's next address).
     */
    @ParameterizedTest(name = "{0} on a host's first address")
    @EnumSource(value = Answer.class, names = {"STANDBY", "STARTING_UP", "TOO_MANY_CONNECTIONS", "SHUTTING_DOWN", "NO_DATABASE"})
    void aServerThatAnsweredEndsItsHostsAddressesAndTheWalkGoesToTheNextHost(Answer answer) throws Exception {
        script.put("a", List.of(answer, Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("target_session_attrs=primary", "a", "b").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(dialled).containsExactly("a#0", "b#0");
    }

    /** A first address that does not answer within its budget leaves the next address to try (REVIEW-25 R25-8, libpq 18). */
    @Test
    void anAddressThatHangsPastItsBudgetLeavesTheHostsNextAddress() throws Exception {
        script.put("a", List.of(Answer.HANGS, Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("target_session_attrs=primary hostConnectTimeout=100ms", "a", "b").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("a:5432");
        assertThat(dialled).containsExactly("a#0", "a#1");
    }

    @Test
    void aHostWhoseAddressesAllFailInTransportIsTriedAddressByAddress() throws Exception {
        script.put("a", List.of(Answer.REFUSED, Answer.REFUSED, Answer.STANDBY, Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("target_session_attrs=primary", "a", "b").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(dialled).containsExactly("a#0", "a#1", "a#2", "b#0");
    }

    /** REVIEW-25 R25-10: a look-up that throws instead of failing its future stalled the walk until connectTimeout. */
    @Test
    void aLookUpThatThrowsFailsThatHostAtOnceAndTheWalkGoesOn() throws Exception {
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("connectTimeout=30s", "linkage-broken", "b").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(dialled).containsExactly("b#0");
    }

    @Test
    void aHostInTheWrongRoleIsSkippedAndItsSessionTerminatedWhenTheWalkEnds() throws Exception {
        script.put("a", List.of(Answer.STANDBY));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("target_session_attrs=primary").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(connection.role()).isEqualTo(ServerRole.PRIMARY);
        assertThat(dialled).containsExactly("a#0", "b#0");
        assertThat(terminated("a#0")).isTrue();
        assertThat(terminated("b#0")).isFalse();
        assertThat(registry.statuses(List.of("a:5432")).get(0).role()).isEqualTo(ServerRole.STANDBY);
    }

    @Test
    void noHostInTheWantedRoleFailsWithEveryHostsCause() {
        script.put("a", List.of(Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        Throwable failure = cause(walk("target_session_attrs=standby"));

        assertThat(failure).isInstanceOf(PgConnectException.class).hasMessageContaining("is primary");
        assertThat(failure.getSuppressed()).hasSize(2);
        assertThat(terminated("a#0")).isTrue();
        assertThat(terminated("b#0")).isTrue();
    }

    @Test
    void preferStandbyTakesThePass1PrimaryWhenNoStandbyAnswers() throws Exception {
        script.put("a", List.of(Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("target_session_attrs=prefer-standby").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("a:5432");
        assertThat(dialled).containsExactly("a#0", "b#0"); // no second pass: a is kept, not dialled again
        assertThat(terminated("b#0")).isTrue();
    }

    @Test
    void anAuthenticationFailureEndsTheWalk() {
        script.put("a", List.of(Answer.AUTH_FAILS));
        script.put("b", List.of(Answer.PRIMARY));

        Throwable failure = cause(walk(""));

        assertThat(failure).isInstanceOf(PgAuthenticationException.class).hasMessageContaining("password authentication failed");
        assertThat(dialled).containsExactly("a#0"); // another host would only lock the account faster (libpq)
    }

    @Test
    void aHostThatHangsPastItsBudgetIsAbandonedForTheNext() throws Exception {
        script.put("a", List.of(Answer.HANGS));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("hostConnectTimeout=100ms").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        afterWhatTheLoopIsDoing(); // the timer moves the walk on, then aborts the abandoned attempt
        assertThat(scopes.get(0).isAborted()).isTrue();
        assertThat(tracer.events(PgTracer.HostAttemptEnded.class)).extracting(PgTracer.HostAttemptEnded::outcome)
                .containsExactly(PgTracer.HostOutcome.TIMEOUT, PgTracer.HostOutcome.CONNECTED);
    }

    @Test
    void theWholeAttemptDeadlineEndsTheWalkAndNamesTheHostInFlight() {
        script.put("a", List.of(Answer.HANGS));
        script.put("b", List.of(Answer.PRIMARY));

        Throwable failure = cause(walk("connectTimeout=150ms"));

        assertThat(failure).isInstanceOf(PgTimeoutException.class).hasMessageContaining("connectTimeout=150ms")
                .hasMessageContaining("a:5432");
        assertThat(dialled).containsExactly("a#0");
        afterWhatTheLoopIsDoing(); // the deadline fails the walk first, then aborts the attempt in flight
        assertThat(scopes.get(0).isAborted()).isTrue();
    }

    /**
     * A dial that throws instead of returning a future (an Error from a class that failed to load or
     * verify, a bug) fails the attempt at once: before, the throw unwound into the resolve callback,
     * whose CompletableFuture swallowed it, and the connect waited silently for its connectTimeout.
     */
    @Test
    void aDialThatThrowsFailsTheAttemptAtOnceNotAtTheConnectTimeout() {
        script.put("a", List.of(Answer.THROWS));
        script.put("b", List.of(Answer.THROWS));

        Throwable failure = cause(walk("connectTimeout=60s"));

        assertThat(failure).isInstanceOf(PgConnectException.class).isNotInstanceOf(PgTimeoutException.class)
                .hasMessageContaining("a:5432").hasMessageContaining("IoUringSocketChannel");
        assertThat(dialled).containsExactly("a#0", "b#0");
        assertThat(tracer.events(PgTracer.HostAttemptEnded.class)).hasSize(2);
    }

    /**
     * A step of the attempt on a ready session that throws — here reading the session's parameters for its
     * role — fails the attempt at once, with the throwable as the cause and the session closed, and the walk
     * moves on. Before, the throw ended in the CompletableFuture whose callback ran the step, and the attempt
     * waited for its budget (60 s here).
     */
    @Test
    void aStepOfTheAttemptThatThrowsFailsItAtOnceWithTheThrowableAsCause() throws Exception {
        script.put("a", List.of(Answer.STEP_THROWS));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("connectTimeout=60s hostConnectTimeout=60s").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        PgTracer.HostAttemptEnded first = tracer.events(PgTracer.HostAttemptEnded.class).get(0);
        assertThat(first.host()).isEqualTo("a:5432");
        assertThat(first.outcome()).isEqualTo(PgTracer.HostOutcome.FAILED);
        assertThat(first.error()).isInstanceOf(PgConnectException.class).hasMessageContaining("a:5432")
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("the session's parameters broke");
        assertThat(terminated("a#0")).as("the broken attempt's session is closed").isTrue();
    }

    /**
     * REVIEW-8 F8: a VirtualMachineError in a step of the attempt, or from the dial itself, is not made the host's
     * failure (FatalErrors: no guard catches one; it used to fail the attempt with the StackOverflowError as its
     * cause, and the walk went on as if the host were broken). It goes up the thread (the loop); the attempt ends
     * by its budget.
     */
    @ParameterizedTest
    @EnumSource(value = Answer.class, names = {"STEP_OVERFLOWS", "DIAL_OVERFLOWS"})
    void aVirtualMachineErrorInAStepOrFromTheDialIsNotMadeTheHostsFailure(Answer overflowing) throws Exception {
        script.put("a", List.of(overflowing));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("connectTimeout=60s hostConnectTimeout=1s").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        PgTracer.HostAttemptEnded first = tracer.events(PgTracer.HostAttemptEnded.class).get(0);
        assertThat(first.host()).isEqualTo("a:5432");
        assertThat(first.outcome()).isEqualTo(PgTracer.HostOutcome.TIMEOUT);
        assertThat(first.error()).isInstanceOf(PgTimeoutException.class).hasNoCause();
    }

    /**
     * A caller that cancels its connect aborts the attempt in flight; what that attempt meets then (its socket
     * closed under it) says nothing of the host: it is not remembered as down. The attempt still ends in the
     * trace — once, abandoned with the cancel as its cause, before ConnectEnded (REVIEW-9 F6: it had no
     * HostAttemptEnded at all, and a tracer keeping a span per attempt leaked it). The factory's close cancels its
     * walks the same way (HostileFactoryCloseIT).
     */
    @Test
    void aCancelledConnectLeavesTheHostInFlightUnblamedAndEndsItsAttemptAsCancelled() {
        script.put("a", List.of(Answer.FAILS_WHEN_ABORTED));
        CompletableFuture<ConnectionControl> connect = walk("", "a");
        afterWhatTheLoopIsDoing();
        assertThat(dialled).containsExactly("a#0");

        assertThat(connect.cancel(false)).isTrue();

        assertThat(failedOnAbort).as("the aborted attempt failed").containsExactly("a#0");
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.UNKNOWN);
        assertThat(registry.cutOffLately(registry.status("a:5432"), Duration.ofMinutes(1))).isFalse();
        assertThat(tracer.events(PgTracer.HostAttemptEnded.class)).singleElement().satisfies(ended -> {
            assertThat(ended.host()).isEqualTo("a:5432");
            assertThat(ended.outcome()).isEqualTo(PgTracer.HostOutcome.FAILED);
            assertThat(ended.error()).hasMessageContaining("a:5432").hasMessageContaining("cancelled")
                    .cause().isInstanceOf(java.util.concurrent.CancellationException.class);
        });
        assertThat(tracer.events(PgTracer.ConnectEnded.class)).singleElement()
                .satisfies(ended -> assertThat(ended.error()).isInstanceOf(java.util.concurrent.CancellationException.class));
        assertThat(tracer.events()).last().isInstanceOf(PgTracer.ConnectEnded.class);
    }

    /**
     * REVIEW-9 F6: a cancel traced ConnectEnded before the walk was marked done, so the walk's loop could start
     * the next attempt in between — HostAttemptStarted after ConnectEnded, an attempt the starter's observation
     * tracer then kept for good. Forced here: the host's addresses arrive while the cancelling thread is inside
     * connectEnded, and the loop runs the next step before the cancel goes on.
     */
    @Test
    void noAttemptStartsAfterACancelledConnectEnded() throws Exception {
        lookups = Executors.newSingleThreadExecutor();
        script.put("a", List.of(Answer.PRIMARY));
        CompletableFuture<Void> addressesMayArrive = new CompletableFuture<>();
        Endpoints held = new Endpoints() {
            @Override
            public CompletableFuture<List<SocketAddress>> resolve(HostSpec host, RandomGenerator shuffle) {
                return addressesMayArrive.thenComposeAsync(ignored -> scripted.resolve(host, shuffle), lookups);
            }

            @Override
            public CompletableFuture<ConnectionControl> connect(ConnConfig config, HostSpec host, SocketAddress address, Duration budget,
                                                                AttemptScope scope) {
                return scripted.connect(config, host, address, budget, scope);
            }
        };
        RecordingTracer events = new RecordingTracer();
        PgTracer lettingTheLoopOnAtTheEnd = recordingThen(events, PgTracer.ConnectEnded.class, () -> {
            addressesMayArrive.complete(null);
            // the look-up thread hands the addresses to the loop; the loop then runs what it was given
            try {
                lookups.submit(() -> { }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            afterWhatTheLoopIsDoing();
        });
        CompletableFuture<ConnectionControl> connect = newWalk("", lettingTheLoopOnAtTheEnd, held, "a").start();
        afterWhatTheLoopIsDoing();

        assertThat(connect.cancel(false)).isTrue();
        afterWhatTheLoopIsDoing();

        assertThat(dialled).as("nothing dialled after the end").isEmpty();
        assertThat(events.events()).singleElement().isInstanceOf(PgTracer.ConnectEnded.class);
    }

    /**
     * A cancel between the walk's first look at whether it has ended and the arming of connectTimeout's timer found
     * no timer to cancel, and the timer stayed armed until it fired (session 15's leftover). Forced: the caller
     * cancels from inside the loop's schedule call that arms it. The timer is cancelled all the same; nothing dialled.
     */
    @Test
    void aCancelJustBeforeTheDeadlineIsArmedLeavesNoTimerArmed() throws Exception {
        script.put("a", List.of(Answer.PRIMARY));
        CompletableFuture<CompletableFuture<ConnectionControl>> started = new CompletableFuture<>();
        List<io.netty.util.concurrent.ScheduledFuture<?>> armed = Collections.synchronizedList(new ArrayList<>());
        EventLoop cancellingAsItArms = new io.netty.channel.DefaultEventLoop() {
            @Override
            public io.netty.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                if (armed.isEmpty()) {
                    assertThat(started.join().cancel(false)).isTrue(); // the caller's cancel, just before the timer is armed
                }
                io.netty.util.concurrent.ScheduledFuture<?> timer = super.schedule(task, delay, unit);
                armed.add(timer);
                return timer;
            }
        };
        try {
            ConnConfig config = ConnConfig.parse("host=a port=5432 user=u extensionTypes='' hostRecheckInterval=0 connectTimeout=60",
                    EnvironmentSource.none());
            CompletableFuture<ConnectionControl> connect = new ConnectWalk(1, config, cancellingAsItArms, tracer, scripted, registry,
                    new TypeOidDiscovery(new TypeOidCache(Clock.systemUTC())), config.hosts(), null).start();
            started.complete(connect);
            cancellingAsItArms.submit(() -> { }).get(5, TimeUnit.SECONDS);

            assertThat(connect).isCancelled();
            assertThat(armed).as("connectTimeout's timer").singleElement()
                    .satisfies(timer -> assertThat(timer.isCancelled()).as("cancelled when the walk had ended").isTrue());
            assertThat(dialled).isEmpty();
        } finally {
            cancellingAsItArms.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * connectTimeout counts from the connect's creation, not from when the walk's loop first got to it: a loop busy
     * for 300 ms before the walk begins leaves the walk 300 ms less (before, the timer was armed for the whole
     * connectTimeout when the walk began, while the host budgets ({@link WalkTime}) counted from creation).
     */
    @Test
    void theWholeConnectDeadlineCountsTheTimeTheLoopTookToBeginTheWalk() throws Exception {
        script.put("a", List.of(Answer.HANGS));
        List<Long> armedDelays = Collections.synchronizedList(new ArrayList<>());
        EventLoop busyThenRecording = new io.netty.channel.DefaultEventLoop() {
            @Override
            public io.netty.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                armedDelays.add(unit.toMillis(delay));
                return super.schedule(task, delay, unit);
            }
        };
        try {
            ConnConfig config = ConnConfig.parse("host=a port=5432 user=u extensionTypes='' hostRecheckInterval=0 connectTimeout=60",
                    EnvironmentSource.none());
            ConnectWalk walk = new ConnectWalk(1, config, busyThenRecording, tracer, scripted, registry,
                    new TypeOidDiscovery(new TypeOidCache(Clock.systemUTC())), config.hosts(), null);
            long busyMillis = 300;
            busyThenRecording.execute(() -> {
                try {
                    Thread.sleep(busyMillis); // the loop is busy with other work when the connect is queued behind it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<ConnectionControl> connect = walk.start();
            busyThenRecording.submit(() -> { }).get(5, TimeUnit.SECONDS);

            assertThat(armedDelays).as("connectTimeout's timer, then the host's budget").isNotEmpty();
            assertThat(armedDelays.get(0)).as("connectTimeout's timer: 60 s less the time the busy loop took")
                    .isLessThanOrEqualTo(60_000 - busyMillis);
            assertThat(connect.cancel(false)).isTrue();
        } finally {
            busyThenRecording.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A loop busy past the whole deadline before it began the walk: the connect fails at once with connectTimeout, and
     * the message says the time was lost in this client (before, nothing said so: the walk found the deadline passed
     * before its first attempt and reported it as on time).
     */
    @Test
    void aWalkBegunAfterItsDeadlineByABusyLoopFailsSayingTheTimeWasLostInTheClient() throws Exception {
        script.put("a", List.of(Answer.HANGS));
        ConnectWalk walk = newWalk("connectTimeout=100ms", tracer, scripted, "a");
        walkLoop.execute(() -> {
            try {
                Thread.sleep(400); // the loop is busy with other work past the connect's whole deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Throwable failure = catchThrowable(() -> walk.start().get(5, TimeUnit.SECONDS));

        assertThat(failure).cause().isInstanceOf(PgTimeoutException.class).hasMessageContaining("connectTimeout=100ms")
                .hasMessageContaining("ran the timeout").hasMessageContaining("after it was due");
        assertThat(dialled).as("no host tried after the deadline").isEmpty();
    }

    /**
     * REVIEW-9 F6: between the walk's check and its trace, a cancel could end the walk, and an attempt's outcome was
     * traced after ConnectEnded. Forced: the cancel comes from inside the HostAttemptStarted callback, so the
     * attempt's outcome would be decided after the walk ended. The attempt ends once, before
     * ConnectEnded, and the host is not blamed for what the cancel's abort did.
     */
    @Test
    void anAttemptEndsOnceAndBeforeConnectEndedWhenTheCancelComesMidAttempt() {
        script.put("a", List.of(Answer.REFUSED));
        script.put("b", List.of(Answer.PRIMARY));
        // the walk's future, once start() returned it: the loop's first step may come before
        CompletableFuture<CompletableFuture<ConnectionControl>> connect = new CompletableFuture<>();
        RecordingTracer events = new RecordingTracer();
        PgTracer cancellingOnTheFirstAttempt = recordingThen(events, PgTracer.HostAttemptStarted.class, () -> connect.join().cancel(false));
        connect.complete(newWalk("", cancellingOnTheFirstAttempt, scripted, "a", "b").start());
        afterWhatTheLoopIsDoing();

        assertThat(connect.join()).isCancelled();
        assertThat(events.events()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("HostAttemptStarted", "HostAttemptEnded", "ConnectEnded");
        assertThat(events.events(PgTracer.HostAttemptEnded.class).get(0).error()).hasMessageContaining("cancelled");
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.UNKNOWN);
        assertThat(dialled).as("an attempt cancelled as it starts dials nothing").isEmpty();
    }

    /**
     * The whole connect's deadline (connectTimeout, shorter here than the host's own budget) cuts off the attempt
     * in flight: that host was not proven bad — it had less time than hostConnectTimeout gives a host — so what
     * the aborted attempt meets then (its socket closed under it) is neither remembered as down nor reported
     * after ConnectEnded. Remembered as down, it moved the host to the end of the next connects' order and made
     * a pool evict every healthy session to it (r2dbc's validate(LOCAL) reads the host memory).
     */
    @Test
    void theWholeConnectDeadlineLeavesTheHostInFlightUnblamedAndEndsItsAttemptAsTimedOut() {
        script.put("a", List.of(Answer.FAILS_WHEN_ABORTED));

        Throwable failure = cause(walk("connectTimeout=150ms hostConnectTimeout=60s", "a"));

        assertThat(failure).isInstanceOf(PgTimeoutException.class).hasMessageContaining("connectTimeout=150ms");
        afterWhatTheLoopIsDoing(); // the deadline fails the walk first, then aborts the attempt in flight
        assertThat(failedOnAbort).as("the aborted attempt failed").containsExactly("a#0");
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.UNKNOWN);
        assertThat(registry.cutOffLately(registry.status("a:5432"), Duration.ofMinutes(1)))
                .as("remembered as cut short, for the order of the next connects").isTrue();
        assertThat(tracer.events(PgTracer.HostAttemptEnded.class)).singleElement().satisfies(ended -> {
            assertThat(ended.host()).isEqualTo("a:5432");
            assertThat(ended.outcome()).isEqualTo(PgTracer.HostOutcome.TIMEOUT);
            assertThat(ended.error()).isSameAs(failure);
        });
        assertThat(tracer.events(PgTracer.ConnectEnded.class)).singleElement()
                .satisfies(ended -> assertThat(ended.error()).isSameAs(failure));
        assertThat(tracer.events()).last().isInstanceOf(PgTracer.ConnectEnded.class);
    }

    /**
     * A host whose own budget (hostConnectTimeout) ran out had all the time a host gets: it is remembered as
     * down and the walk moves on, as before.
     */
    @Test
    void aHostWhoseOwnBudgetRanOutIsRememberedAsDown() throws Exception {
        script.put("a", List.of(Answer.FAILS_WHEN_ABORTED));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("connectTimeout=60s hostConnectTimeout=100ms").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.DOWN);
        assertThat(registry.status("a:5432").lastError()).contains("did not complete the connection within 100ms");
    }

    @Test
    void aStartupErrorOtherThanTryAgainEndsTheWalkAsLibpq() {
        script.put("a", List.of(Answer.NO_PRIVILEGE));
        script.put("b", List.of(Answer.PRIMARY));

        Throwable failure = cause(walk(""));

        assertThat(failure).isInstanceOf(PgException.class).hasMessageContaining("permission denied");
        assertThat(dialled).containsExactly("a#0"); // WalkStopRule: 42501 would repeat on every host
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.UNKNOWN);
    }

    /** A standby that has not replayed a new database's CREATE DATABASE yet answers 3D000: the primary has it (NEW-USER-23 F4). */
    @Test
    void aDatabaseMissingOnOneHostMovesOnAndLeavesThatHostsStatusAlone() throws Exception {
        script.put("a", List.of(Answer.NO_DATABASE));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(dialled).containsExactly("a#0", "b#0");
        assertThat(registry.status("a:5432").state()).as("up a moment later: not down").isEqualTo(HostStatus.State.UNKNOWN);
    }

    @Test
    void aDatabaseMissingOnEveryHostFailsWithEachHostsAnswerAndIsLasting() {
        script.put("a", List.of(Answer.NO_DATABASE));
        script.put("b", List.of(Answer.NO_DATABASE));

        Throwable failure = cause(walk(""));

        assertThat(dialled).containsExactly("a#0", "b#0");
        assertThat(failure).isInstanceOf(PgException.class).hasMessageContaining("does not exist");
        assertThat(failure.getSuppressed()).hasSize(2);
        assertThat(ConnectFailures.isLasting(ConnectFailures.deciding((PgException) failure))).isTrue();
        assertThat(ConnectFailures.isWorthRetryingSoon((PgException) failure)).isFalse();
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.UNKNOWN);
        assertThat(registry.status("b:5432").state()).isEqualTo(HostStatus.State.UNKNOWN);
    }

    @Test
    void tooManyConnectionsAndStartingUpMoveOnToTheNextHost() throws Exception {
        // 57P03 as libpq; 53300 is the deliberate difference: libpq stops there, pgconn looks for a host with room
        script.put("a", List.of(Answer.TOO_MANY_CONNECTIONS));
        script.put("b", List.of(Answer.STARTING_UP));
        script.put("c", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("", "a", "b", "c").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("c:5432");
        assertThat(dialled).containsExactly("a#0", "b#0", "c#0");
        // 53300: up with no free slot, its open sessions fine (a pool keeps them); 57P03: that instance is not serving
        assertThat(registry.status("a:5432").state()).isEqualTo(HostStatus.State.FULL);
        assertThat(registry.status("a:5432").lastError()).contains("too many clients");
        assertThat(registry.status("b:5432").state()).isEqualTo(HostStatus.State.DOWN);
    }

    @Test
    void aServerShuttingDownDuringStartupMovesOnToTheNextHost() throws Exception {
        // 57P01 (a fast shutdown or restart met mid-startup): another deliberate difference, the next host is not shutting down
        script.put("a", List.of(Answer.SHUTTING_DOWN));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("", "a", "b").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(dialled).containsExactly("a#0", "b#0");
    }

    @Test
    void aTlsFailureTheSslModeCannotFallBackFromEndsTheWalk() {
        script.put("a", List.of(Answer.TLS_FAILS, Answer.PRIMARY));
        script.put("b", List.of(Answer.PRIMARY));

        Throwable failure = cause(walk("sslmode=verify-ca"));

        assertThat(failure).isInstanceOf(PgTlsException.class).hasMessageContaining("not trusted");
        assertThat(dialled).containsExactly("a#0");
    }

    @Test
    void addressesLookedUpOnAnotherThreadAreDialledFromTheWalksLoop() throws Exception {
        lookups = Executors.newSingleThreadExecutor();
        script.put("a", List.of(Answer.REFUSED));
        script.put("b", List.of(Answer.PRIMARY));

        ConnectionControl connection = walk("", "nowhere", "a", "b").get(5, TimeUnit.SECONDS);

        assertThat(connection.host()).isEqualTo("b:5432");
        assertThat(dialled).containsExactly("a#0", "b#0");
        assertThat(dialledOffTheLoop).isEmpty();
    }

    private static CompletableFuture<ConnectionControl> startupError(HostSpec host, String sqlState, String message) {
        return CompletableFuture.failedFuture(new PgConnectException(host.label(), "connection to " + host.label() + " failed: " + message,
                new ServerErrorFields(Map.of('S', "FATAL", 'C', sqlState, 'M', message)), null));
    }

    private static PgConnectException unresolvable(HostSpec host) {
        return new PgConnectException(host.label(), "could not translate host name \"" + host.host() + "\" to address",
                new UnknownHostException(host.host()));
    }

    private void afterWhatTheLoopIsDoing() {
        try {
            loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A walk over the scripted hosts ({@code a, b} when none are named), traced to {@link #tracer}, started. */
    private CompletableFuture<ConnectionControl> walk(String settings, String... hostNames) {
        return newWalk(settings, tracer, scripted, hostNames.length > 0 ? hostNames : new String[] {"a", "b"}).start();
    }

    private ConnectWalk newWalk(String settings, PgTracer walkTracer, Endpoints endpoints, String... hostNames) {
        ConnConfig config = ConnConfig.parse("host=" + String.join(",", hostNames)
                + " port=5432 user=u extensionTypes='' hostRecheckInterval=0 " + settings, EnvironmentSource.none());
        return new ConnectWalk(1, config, walkLoop, walkTracer, endpoints, registry, new TypeOidDiscovery(new TypeOidCache(Clock.systemUTC())),
                config.hosts(), null);
    }

    /**
     * A tracer that records the attempts' events and ConnectEnded (not ConnectStarted) into {@code events}, and runs
     * {@code hook} right after it recorded an event of type {@code at}: a test's way into the walk at that moment.
     */
    private static PgTracer recordingThen(RecordingTracer events, Class<?> at, Runnable hook) {
        return new PgTracer() {
            @Override
            public void hostAttemptStarted(HostAttemptStarted event) {
                events.hostAttemptStarted(event);
                runIfAt(event);
            }

            @Override
            public void hostAttemptEnded(HostAttemptEnded event) {
                events.hostAttemptEnded(event);
                runIfAt(event);
            }

            @Override
            public void connectEnded(ConnectEnded event) {
                events.connectEnded(event);
                runIfAt(event);
            }

            private void runIfAt(Object event) {
                if (at.isInstance(event)) {
                    hook.run();
                }
            }
        };
    }

    private ConnectionControl session(String name, HostSpec host, SocketAddress address, boolean standby) {
        String flag = standby ? "on" : "off";
        return session(name, host, address, Map.of("in_hot_standby", flag, "default_transaction_read_only", flag));
    }

    private ConnectionControl session(String name, HostSpec host, SocketAddress address, Map<String, String> parameters) {
        EmbeddedChannel channel = new EmbeddedChannel(FrontendMessageEncoder.INSTANCE, new SessionHandler(new PipelinedSession(host.label(), Map.of(), 0, io.pgconn.internal.query.TextValueCodecs.INSTANCE)));
        SessionFacts facts = new SessionFacts(host, address, null, 1000 + sessions.size(), new byte[4], ProtocolVersion.V3_0,
                AuthMethod.SCRAM_SHA_256);
        ConnectionControl session = new ConnectionControl(channel, facts, ((SessionHandler) channel.pipeline().last()).session(),
                parameters, f -> CompletableFuture.completedFuture(null));
        sessions.put(name, session);
        return session;
    }

    private static SocketAddress address(HostSpec host, int index) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(host.host(), new byte[]{10, 0, 0, (byte) (index + 1)}), host.port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the scripted session got its Terminate ('X') once the walk was over. */
    private boolean terminated(String name) {
        EmbeddedChannel channel = (EmbeddedChannel) sessions.get(name).channel();
        channel.runPendingTasks();
        ByteBuf out = channel.readOutbound();
        try {
            return out != null && out.getByte(0) == 'X';
        } finally {
            if (out != null) {
                out.release();
            }
        }
    }

    private static Throwable cause(CompletableFuture<?> future) {
        Throwable thrown = catchThrowable(() -> future.get(5, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }
}
