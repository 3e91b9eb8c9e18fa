package io.pgconn.internal.session;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerParametersTest {

    private static final Map<String, String> STARTUP = Map.of("server_version", "18.0", "TimeZone", "Etc/UTC",
            "standard_conforming_strings", "on", "in_hot_standby", "off");

    private final ServerParameterSets sets = new ServerParameterSets();

    private ServerParameters started(Map<String, String> reported) {
        ServerParameters parameters = new ServerParameters(sets);
        parameters.startupReported(new HashMap<>(reported)); // as the handshake collects them
        return parameters;
    }

    @Test
    void standardConformingStringsFollowsTheValuesWithoutALookupPerStatement() {
        ServerParameters fresh = new ServerParameters(sets);
        assertThat(fresh.standardConformingStrings()).isTrue(); // nothing reported yet: PostgreSQL's default

        ServerParameters off = started(Map.of("standard_conforming_strings", "off"));
        assertThat(off.standardConformingStrings()).isFalse();
        off.put("standard_conforming_strings", "on");
        assertThat(off.standardConformingStrings()).isTrue();
        off.put("TimeZone", "Europe/Paris");
        assertThat(off.standardConformingStrings()).isTrue();
        off.put("standard_conforming_strings", "off");
        assertThat(off.standardConformingStrings()).isFalse();
        // what the query package reads for every statement, the same as the map's value says
        assertThat(new io.pgconn.internal.query.SqlShapes(off).standardConformingStrings()).isFalse();
        assertThat(started(Map.of("server_version", "18.0")).standardConformingStrings()).isTrue(); // not reported: on
    }

    @Test
    void sessionsToldTheSameValuesHoldOneMap() {
        ServerParameters a = started(STARTUP);
        ServerParameters b = started(STARTUP);
        assertThat(a).isEqualTo(STARTUP);
        assertThat(b.now()).isSameAs(a.now());
    }

    @Test
    void aValueReportedLaterIsThatSessionsAloneAndSeenAtOnce() {
        ServerParameters a = started(STARTUP);
        ServerParameters b = started(STARTUP);
        Set<Map.Entry<String, String>> entriesOfA = a.entrySet();
        Set<String> namesOfA = a.keySet();

        assertThat(a.put("TimeZone", "Europe/Paris")).isEqualTo("Etc/UTC");
        assertThat(a.get("TimeZone")).isEqualTo("Europe/Paris");
        assertThat(entriesOfA).contains(Map.entry("TimeZone", "Europe/Paris")); // a view taken before sees it
        assertThat(b.get("TimeZone")).isEqualTo("Etc/UTC");
        assertThat(b.now()).isEqualTo(STARTUP);

        assertThat(a.put("application_name", "batch")).isNull(); // a name not reported at startup
        assertThat(namesOfA).contains("application_name");
        assertThat(a.containsKey("application_name")).isTrue();
        assertThat(a).hasSize(STARTUP.size() + 1);
    }

    @Test
    void aSessionThatChangesTheSameValueAsAnotherSharesTheChangedSetAndTheSetItReturnsTo() {
        ServerParameters a = started(STARTUP);
        ServerParameters b = started(STARTUP);
        Map<String, String> startup = a.now();
        a.put("TimeZone", "Europe/Paris");
        b.put("TimeZone", "Europe/Paris");
        assertThat(b.now()).isSameAs(a.now()).isNotSameAs(startup);

        Map<String, String> changed = a.now();
        a.put("TimeZone", "Europe/Paris"); // reported again unchanged
        assertThat(a.now()).isSameAs(changed);

        a.put("TimeZone", "Etc/UTC"); // a SET LOCAL's end: back to the startup's values
        assertThat(a.now()).isSameAs(startup);
    }

    @Test
    void theMapIsReadOnlyToItsReaders() {
        ServerParameters a = started(STARTUP);
        assertThatThrownBy(() -> a.remove("TimeZone")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(a::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> a.keySet().remove("TimeZone")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> a.entrySet().iterator().next().setValue("x")).isInstanceOf(UnsupportedOperationException.class);
        Iterator<String> names = a.keySet().iterator();
        names.next();
        assertThatThrownBy(names::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(a).isEqualTo(STARTUP);
    }

    @Test
    void onlyTheLastSetsMetAreKept() {
        ServerParameters first = started(STARTUP);
        for (int i = 0; i < ServerParameterSets.KEPT; i++) {
            Map<String, String> other = new HashMap<>(STARTUP);
            other.put("application_name", "app" + i);
            assertThat(started(other).now()).isEqualTo(other);
        }
        ServerParameters later = started(STARTUP);
        assertThat(later.now()).isEqualTo(first.now()).isNotSameAs(first.now()); // the first set was replaced
        assertThat(started(STARTUP).now()).isSameAs(later.now()); // and is kept again
    }

    @Test
    void emptyUntilTheStartupReported() {
        ServerParameters parameters = new ServerParameters(sets);
        assertThat(parameters).isEmpty();
        assertThat(parameters.get("server_version")).isNull();
    }
}
