package io.pgconn.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a builder asked for, frozen. */
record ClusterSpec(String name, int majorVersion, Map<String, String> config, List<PgUser> users,
                   List<String> hbaLines, List<String> initSql, boolean tls, int standbys, Duration startTimeout) {

    ClusterSpec {
        config = Map.copyOf(config);
        users = List.copyOf(users);
        hbaLines = List.copyOf(hbaLines);
        initSql = List.copyOf(initSql);
    }

    PgUser user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no user '" + name + "' was declared; users: "
                        + users.stream().map(PgUser::name).toList()));
    }
}
