/**
 * Spring Data R2DBC on pgconn: the {@code note} table, its repository and service, the endpoint that
 * writes and reads, and the background write load the page counts per host to show writes continuing
 * on the new primary after a failover.
 */
package io.pgconn.sample.notes;
