/**
 * Spring Boot auto-configuration for pgconn (filled in by the starter issue).
 */
package io.pgconn.spring.boot;
