/**
 * Hooks for code that serves a {@link io.pgconn.PgConnectionFactory} rather than queries through it: a watcher that
 * probes the configured hosts on sessions of its own (the Spring Boot starter's health monitor) tells the factory's host
 * memory what it saw through {@link io.pgconn.spi.HostObservations}, reached with
 * {@link io.pgconn.PgConnectionFactory#hostObservations(java.lang.invoke.MethodHandles.Lookup)} with the lookup of a class
 * that names itself a {@link io.pgconn.spi.HostWatcher} — a capability of that class, not of whoever holds a factory. An application that only connects and runs statements needs
 * nothing here (docs/architecture.md, "API (exported)").
 */
package io.pgconn.spi;
