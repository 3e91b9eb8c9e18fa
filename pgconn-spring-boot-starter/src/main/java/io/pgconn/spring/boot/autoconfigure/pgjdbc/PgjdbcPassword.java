package io.pgconn.spring.boot.autoconfigure.pgjdbc;

import io.pgconn.config.ConnConfig;
import io.pgconn.config.HostSpec;
import io.pgconn.spring.boot.autoconfigure.InvalidPgConnPropertyException;
import org.jspecify.annotations.Nullable;

import java.util.HashSet;
import java.util.Set;

/**
 * The password pgjdbc is given for migrations, from a factory's {@link ConnConfig}: the configured one; else, with
 * a password file of pgconn's own ({@code passfile} in {@code pg.conn.url}, {@code PGPASSFILE}), which pgjdbc cannot
 * be pointed at per connection (it reads only {@code ~/.pgpass}, {@code PGPASSFILE} or the JVM-wide
 * {@code org.postgresql.pgpassfile}), the one password that file holds for every host, read once at start-up;
 * else {@code null}, and pgjdbc looks its own password file up. A file with different passwords for the hosts, or
 * with one for only some, is refused naming the file, never a password.
 */
public final class PgjdbcPassword {

    private PgjdbcPassword() {
    }

    /** {@code tool}: as {@link PgjdbcUrl#of}. */
    public static @Nullable String of(ConnConfig config, String tool) {
        if (config.password() != null || config.passfile() == null) {
            return config.password();
        }
        Set<String> passwords = new HashSet<>();
        boolean someHostHasNone = false;
        for (HostSpec host : config.hosts()) {
            String password = config.passwordFor(host);
            if (password == null) {
                someHostHasNone = true;
            } else {
                passwords.add(password);
            }
        }
        if (passwords.isEmpty()) {
            return null;
        }
        if (passwords.size() > 1 || someHostHasNone) {
            throw new InvalidPgConnPropertyException("passfile (pg.conn.url or PGPASSFILE)", config.passfile().toString(),
                    "a password file with one password for all the hosts, for migrations: pgjdbc takes one password and "
                            + "cannot read pgconn's password file; or set " + tool + ".password", null);
        }
        return passwords.iterator().next();
    }
}
