package io.pgconn.notify;

import io.pgconn.HostStatus;
import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.config.TargetSessionAttrs;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which host-up news ends a {@link ReconnectLoop}'s backoff: a host of the factory's configuration found up
 * in a role its {@code target_session_attrs} accepts. A standby found up ends no backoff of a read-write
 * subscriber, nor does a host another configuration connected to through the same factory.
 *
 * @param hosts  the labels ({@code host:port}) of the factory's hosts
 * @param target the factory's {@code target_session_attrs}
 */
record WantedHostUp(Set<String> hosts, TargetSessionAttrs target) {

    static WantedHostUp of(ConnConfig config) {
        return new WantedHostUp(config.hosts().stream().map(HostSpec::label).collect(Collectors.toUnmodifiableSet()),
                config.targetSessionAttrs());
    }

    boolean test(HostStatus status) {
        return status.state() == HostStatus.State.UP && hosts.contains(status.host()) && target.accepts(status.role(), true);
    }
}
