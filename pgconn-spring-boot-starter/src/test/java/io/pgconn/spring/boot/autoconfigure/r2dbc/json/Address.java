package io.pgconn.spring.boot.autoconfigure.r2dbc.json;

/** The application's own class a {@code jsonb} column maps to through its converters. */
public record Address(String street, String city) {
}
