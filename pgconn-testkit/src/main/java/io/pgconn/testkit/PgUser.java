package io.pgconn.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A login role the testkit creates, with its password secret and its {@code pg_hba.conf} rules.
 * Immutable: every method returns a new value.
 *
 * <pre>{@code
 * PgUser.scram("alice", "s3cret").allow(ConnectionType.HOST, AuthMethod.SCRAM_SHA_256)
 * PgUser.md5("bob", "pw").allow(ConnectionType.HOSTNOSSL, AuthMethod.MD5)
 * PgUser.named("carol").allow(ConnectionType.HOSTSSL, AuthMethod.CERT)
 * }</pre>
 * Rules are written in the order given, before the testkit's own rules; a user without rules cannot log in.
 */
public final class PgUser {

    private final String name;
    private final String password;
    private final PasswordEncryption encryption;
    private final List<HbaRule> rules;
    private final String roleOptions;

    private PgUser(String name, String password, PasswordEncryption encryption, List<HbaRule> rules,
                   String roleOptions) {
        this.name = Objects.requireNonNull(name, "name");
        this.password = password;
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        this.rules = List.copyOf(rules);
        this.roleOptions = roleOptions;
    }

    /**
     * @param name the role name
     * @return a user without password (for trust or cert rules)
     */
    public static PgUser named(String name) {
        if (name.isEmpty() || name.equals("postgres")) {
            throw new IllegalArgumentException("invalid user name '" + name + "' (postgres is the testkit's superuser)");
        }
        return new PgUser(name, null, PasswordEncryption.SCRAM_SHA_256, List.of(), "");
    }

    /**
     * @param name     the role name
     * @param password the password, stored as a SCRAM-SHA-256 secret
     * @return the user
     */
    public static PgUser scram(String name, String password) {
        return named(name).password(password, PasswordEncryption.SCRAM_SHA_256);
    }

    /**
     * @param name     the role name
     * @param password the password, stored as an MD5 secret
     * @return the user
     */
    public static PgUser md5(String name, String password) {
        return named(name).password(password, PasswordEncryption.MD5);
    }

    /**
     * @param newPassword the password
     * @param how         how its secret is stored
     * @return a copy with that password
     */
    public PgUser password(String newPassword, PasswordEncryption how) {
        return new PgUser(name, Objects.requireNonNull(newPassword, "password"), how, rules, roleOptions);
    }

    /**
     * Adds a pg_hba.conf rule for this user (all databases, loopback addresses for TCP types).
     *
     * @param type   the connection type
     * @param method the authentication method
     * @return a copy with the rule appended
     */
    public PgUser allow(ConnectionType type, AuthMethod method) {
        List<HbaRule> more = new ArrayList<>(rules);
        more.add(new HbaRule(type, method));
        return new PgUser(name, password, encryption, more, roleOptions);
    }

    /**
     * @param sql extra {@code CREATE ROLE} options, e.g. {@code "SUPERUSER"} or {@code "CREATEDB CONNECTION LIMIT 5"}
     * @return a copy with those options
     */
    public PgUser roleOptions(String sql) {
        return new PgUser(name, password, encryption, rules, Objects.requireNonNull(sql, "sql"));
    }

    /** @return the role name */
    public String name() {
        return name;
    }

    /** @return the password, or {@code null} when the user has none */
    public String password() {
        return password;
    }

    /** @return how the password secret is stored */
    public PasswordEncryption encryption() {
        return encryption;
    }

    /** @return the pg_hba.conf rules, in order */
    public List<HbaRule> rules() {
        return rules;
    }

    /** @return the extra CREATE ROLE options */
    public String roleOptions() {
        return roleOptions;
    }

    /** @return whether a rule needs TLS on the server (hostssl or cert) */
    boolean needsTls() {
        return rules.stream().anyMatch(r -> r.type() == ConnectionType.HOSTSSL);
    }

    /** @return the SQL creating this role */
    String createSql() {
        StringBuilder sql = new StringBuilder();
        sql.append("SET password_encryption = '").append(encryption.setting()).append("'; ");
        sql.append("CREATE ROLE ").append(ident(name)).append(" LOGIN");
        if (password != null) {
            sql.append(" PASSWORD ").append(literal(password));
        }
        if (!roleOptions.isBlank()) {
            sql.append(' ').append(roleOptions);
        }
        sql.append("; RESET password_encryption;");
        return sql.toString();
    }

    static String ident(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return "PgUser[" + name + ", " + (password == null ? "no password" : encryption) + ", " + rules + "]";
    }
}
