package io.pgconn.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The secrets of the bound {@code pg.conn.*} properties ({@link ConnConfigAssembler#secrets}: the password, the SSL key
 * password, the passwords in the URL) for {@link PgConnSanitizingFunction}, which the env endpoint asks for every
 * property it shows: worked out once — the URL parsed once — and again only when one of those three properties changed
 * (a rebind), not per property.
 */
final class BoundPropertySecrets implements Supplier<Collection<String>> {

    private final PgConnProperties properties;

    private volatile @Nullable Worked last;

    /** The secrets worked out from these values of the three properties. */
    private record Worked(@Nullable String url, @Nullable String password, @Nullable String keyPassword, List<String> secrets) {

        boolean from(@Nullable String url, @Nullable String password, @Nullable String keyPassword) {
            return Objects.equals(this.url, url) && Objects.equals(this.password, password)
                    && Objects.equals(this.keyPassword, keyPassword);
        }

        /** Never the values (REVIEW-21 ST-4: the record's own toString printed every one of them). */
        @Override
        public String toString() {
            return "BoundPropertySecrets.Worked[" + this.secrets.size() + " secrets]";
        }
    }

    @Override
    public String toString() {
        Worked worked = this.last;
        return "BoundPropertySecrets[" + (worked == null ? "not worked out yet" : worked) + "]";
    }

    BoundPropertySecrets(PgConnProperties properties) {
        this.properties = properties;
    }

    @Override
    public Collection<String> get() {
        String url = this.properties.getUrl();
        String password = this.properties.getPassword();
        String keyPassword = this.properties.getSsl().getKeyPassword();
        Worked worked = this.last;
        if (worked == null || !worked.from(url, password, keyPassword)) {
            worked = new Worked(url, password, keyPassword, List.copyOf(ConnConfigAssembler.secrets(this.properties, null)));
            this.last = worked;
        }
        return worked.secrets();
    }
}
