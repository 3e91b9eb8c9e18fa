/**
 * The pgconn sample application (filled in by the sample-app issue).
 */
package io.pgconn.sample;
