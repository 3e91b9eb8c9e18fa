package io.pgconn.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Values of {@link Setting}s from one source (explicit, service file, environment) or merged.
 * Typed access without casts at the call sites: the only way in is {@link #put(Setting, Object)}.
 */
final class SettingValues {

    private final Map<Setting<?>, Object> values;

    SettingValues() {
        this.values = new LinkedHashMap<>();
    }

    SettingValues(SettingValues other) {
        this.values = new LinkedHashMap<>(other.values);
    }

    /** Sets a value; {@code null} removes it (back to "not given"). */
    <T> SettingValues put(Setting<T> setting, T value) {
        if (value == null) {
            values.remove(setting);
        } else {
            values.put(setting, value);
        }
        return this;
    }

    /** Sets a value only when the slot is still empty (lower-precedence sources). */
    <T> void putIfAbsent(Setting<T> setting, T value) {
        if (value != null) {
            values.putIfAbsent(setting, value);
        }
    }

    @SuppressWarnings("unchecked") // put() is the only way in, and it pairs Setting<T> with T
    <T> T get(Setting<T> setting) {
        return (T) values.get(setting);
    }

    /** The value, or the setting's constant default. */
    <T> T getOrDefault(Setting<T> setting) {
        T value = get(setting);
        return value != null ? value : setting.defaultValue();
    }

    boolean has(Setting<?> setting) {
        return values.containsKey(setting);
    }

    /** Copies every value of {@code lower} whose slot is still empty here. */
    void fillFrom(SettingValues lower) {
        lower.values.forEach(values::putIfAbsent);
    }

    void remove(Setting<?> setting) {
        values.remove(setting);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SettingValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }
}
