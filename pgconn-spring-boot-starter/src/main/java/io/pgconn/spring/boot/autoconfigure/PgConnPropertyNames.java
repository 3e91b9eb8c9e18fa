package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.util.ReflectionUtils;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every {@code pg.conn.*} property name, read from {@link PgConnProperties} the way Boot's binder
 * reads it (its JavaBean properties, its {@link NestedConfigurationProperty} groups, names in kebab case), and the one
 * nearest to a name that is not among them: for "did you mean" in the report of an unknown key, or
 * of a {@code PG_CONN_*} environment variable that binds to none.
 */
final class PgConnPropertyNames {

    static final String PREFIX = "pg.conn";

    /**
     * Known names; those of a map (whose keys are free) are also matched as a prefix, those of a list
     * also with an index after them ({@code PG_CONN_HOSTS_0}).
     */
    private record Known(String name, boolean map, boolean list) {
    }

    /** How every {@code pg.conn.*} environment variable begins (Boot's mapping of the prefix). */
    static final String VARIABLE_PREFIX = "PG_CONN_";

    private static final List<Known> KNOWN = collect(PREFIX, PgConnProperties.class, new ArrayList<>());

    private PgConnPropertyNames() {
    }

    private static List<Known> collect(String prefix, Class<?> type, List<Known> into) {
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            if (property.getReadMethod() == null || "class".equals(property.getName())) {
                continue;
            }
            String name = prefix + "." + DataObjectPropertyName.toDashedForm(property.getName());
            Class<?> valueType = property.getPropertyType();
            if (isGroup(type, property.getName())) {
                collect(name, valueType, into);
            } else {
                into.add(new Known(name, Map.class.isAssignableFrom(valueType),
                        java.util.Collection.class.isAssignableFrom(valueType) || valueType.isArray()));
            }
        }
        return into;
    }

    /** A group ({@code ssl}, {@code pool} ...): its field is a {@link NestedConfigurationProperty}, as for Boot's metadata. */
    private static boolean isGroup(Class<?> type, String property) {
        Field field = ReflectionUtils.findField(type, property);
        return field != null && field.isAnnotationPresent(NestedConfigurationProperty.class);
    }

    /** Every property name, kebab case, in no particular order. */
    static List<String> all() {
        return KNOWN.stream().map(Known::name).toList();
    }

    /**
     * The known name closest to {@code unknown} (in any relaxed spelling: case, dashes and
     * underscores do not count), or {@code null} when none is close enough to be a typo of it.
     */
    static @Nullable String nearest(String unknown) {
        String[] elements = uniform(unknown).split("\\.");
        Known best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Known known : KNOWN) {
            String[] knownElements = uniform(known.name()).split("\\.");
            // a map's keys are free: 'pg.conn.startup-parameter.search_path' is compared up to the map's name
            int compared = known.map() ? Math.min(knownElements.length, elements.length) : elements.length;
            int distance = distance(String.join(".", knownElements), String.join(".", Arrays.copyOf(elements, compared)));
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        // a typo changes a few letters; beyond that a suggestion would be a guess
        int allowed = Math.max(2, uniform(unknown).length() / 5);
        return best != null && bestDistance <= allowed ? best.name() : null;
    }

    /**
     * Whether the environment variable {@code variable} ({@code PG_CONN_...}) binds to a property.
     * Boot maps a variable to a name by its underscores, which stand for dots and for nothing (a
     * dash, a word break): compared without any of them, case ignored, as the binder would accept it
     * (a spelling the binder would not take either way is let through: the check only stops names
     * that can bind to nothing).
     */
    static boolean bindsVariable(String variable) {
        String flat = flat(variable.substring(VARIABLE_PREFIX.length()));
        for (Known known : KNOWN) {
            String name = flat(known.name().substring(PREFIX.length() + 1));
            if (flat.equals(name)
                    || (known.map() && flat.startsWith(name))
                    || (known.list() && flat.startsWith(name) && flat.substring(name.length()).chars().allMatch(Character::isDigit))) {
                return true;
            }
        }
        return false;
    }

    /** The known property nearest to the environment variable {@code variable}, or {@code null} when none is close. */
    static @Nullable String nearestToVariable(String variable) {
        String flat = flat(variable.substring(VARIABLE_PREFIX.length()));
        Known best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Known known : KNOWN) {
            int distance = distance(flat(known.name().substring(PREFIX.length() + 1)), flat);
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(2, flat.length() / 5) ? best.name() : null;
    }

    /** The environment variable that sets {@code property}: {@code pg.conn.ssl.root-cert} is {@code PG_CONN_SSL_ROOT_CERT}. */
    static String variableOf(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String flat(String name) {
        return uniform(name).replace(".", "");
    }

    /** Lower case without '-' and '_' in each element, as Boot's relaxed binding compares names. */
    private static String uniform(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Levenshtein distance (insertions, deletions, substitutions). */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
