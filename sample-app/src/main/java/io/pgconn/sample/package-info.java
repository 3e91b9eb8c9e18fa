/**
 * The pgconn sample application: {@code api} answers which server you reached and what the factory
 * knows about each host, {@code notify} shows LISTEN/NOTIFY across a failover, and {@code embedded}
 * runs the local primary + standby (and the demo failover) when no server of yours is configured.
 */
package io.pgconn.sample;
