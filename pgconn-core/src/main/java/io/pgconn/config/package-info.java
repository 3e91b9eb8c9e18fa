/**
 * Connection configuration: {@link io.pgconn.config.ConnConfig} (immutable, built by its builder
 * or parsed from a libpq connection string), {@link io.pgconn.config.HostSpec}, the
 * {@code PG*} environment ({@link io.pgconn.config.EnvironmentSource}), the password file
 * ({@link io.pgconn.config.PgPassFile}) and the connection service file. Defaults live in
 * {@link io.pgconn.config.ConnDefaults}.
 *
 * <p>Precedence, decided per setting as libpq does: explicit (builder or connection string)
 * &gt; service file &gt; environment &gt; default. Every invalid value fails in
 * {@code build()}/{@code parse()} with a {@link io.pgconn.PgConfigException} naming the keyword,
 * the value and what was expected, before anything is dialled; secrets never appear in messages
 * or {@code toString()}.
 *
 * @see <a href="https://www.postgresql.org/docs/current/libpq-connect.html">libpq: Database Connection Control</a>
 */
package io.pgconn.config;
