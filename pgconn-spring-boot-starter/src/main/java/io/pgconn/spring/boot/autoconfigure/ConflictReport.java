package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgConfigException;
import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException.ConflictingProperty;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.env.PropertyResolver;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report of a conflict between settings (core's {@link PgConfigException#conflictsWith()}, e.g.
 * {@code channel_binding=require} with {@code sslmode=disable}): each setting named by the property
 * that set it, with its value and origin, and core's reason in those properties' spelling
 * (docs/starter.md §1). A secret's value is never in it, placeholders resolved or not.
 */
final class ConflictReport {

    private ConflictReport() {
    }

    /** {@code e} as an {@link InvalidPgConnPropertyException} naming every property of the conflict. */
    static InvalidPgConnPropertyException of(PgConfigException e, PgConnProperties p, PropertyResolver environment) {
        String keyword = e.keyword().orElseThrow();
        ConflictingProperty main = setBy(keyword, e.value().orElse(null), p, environment);
        List<ConflictingProperty> others = e.conflictsWith().stream()
                .map(other -> setBy(other, null, p, environment)).toList();
        String reason = String.valueOf(e.getMessage());
        reason = inPropertySpelling(reason, keyword, main.property());
        for (int i = 0; i < others.size(); i++) {
            reason = inPropertySpelling(reason, e.conflictsWith().get(i), others.get(i).property());
        }
        List<String> secrets = ConnConfigAssembler.secrets(p, null);
        String hidden = ConnectionStringSecrets.hideQuotedPartsOfPasswords(ConnectionStringSecrets.hide(reason, secrets), p.getUrl());
        InvalidPgConnPropertyException invalid = new InvalidPgConnPropertyException(main.property(), main.value(),
                main.origin(), others, hidden, null);
        invalid.setStackTrace(e.getStackTrace());
        return invalid;
    }

    /**
     * The property that set {@code keyword}: its discrete property when that is set (value and origin
     * from the environment, unless {@code value} is given), else {@code pg.conn.url} when there is one
     * (no value: the URL may hold a password), else the discrete property (set by a details bean or a
     * customizer, or core's default). A secret setting ({@link PgConfigException#isSecret}: {@code password},
     * {@code sslpassword}, ...) is named with its origin and never a value: this is the one place that
     * decides (review-8 F9: its placeholder resolved here to the secret itself).
     */
    private static ConflictingProperty setBy(String keyword, @Nullable String value, PgConnProperties p,
            PropertyResolver environment) {
        boolean secret = PgConfigException.isSecret(keyword);
        String property = KeywordProperties.propertyOf(keyword);
        ConfigurationProperty set = property == null ? null : PgConnPropertySources.find(environment, property);
        if (set != null) {
            String shown = secret ? null : value != null ? value : PgConnPropertySources.resolvedValue(environment, set);
            return new ConflictingProperty(property, shown, set.getOrigin());
        }
        if (p.getUrl() != null && !p.getUrl().isBlank()) {
            ConfigurationProperty url = PgConnPropertySources.find(environment, "pg.conn.url");
            return new ConflictingProperty("pg.conn.url", null, url != null ? url.getOrigin() : null);
        }
        return new ConflictingProperty(property != null ? property : "pg.conn", secret ? null : value, null);
    }

    /** Core's {@code channel_binding=require} as {@code pg.conn.channel-binding=require}; a URL's settings keep libpq's names. */
    private static String inPropertySpelling(String reason, String keyword, String property) {
        if ("pg.conn.url".equals(property) || "pg.conn".equals(property)) {
            return reason;
        }
        return reason.replaceAll("(?<![\\w.])" + Pattern.quote(keyword) + "(?!\\w)", Matcher.quoteReplacement(property));
    }
}
