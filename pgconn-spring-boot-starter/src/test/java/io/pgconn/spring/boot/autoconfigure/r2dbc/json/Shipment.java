package io.pgconn.spring.boot.autoconfigure.r2dbc.json;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code shipment}: two {@code jsonb} columns, one mapped to {@link Address}, one kept as its text. */
@Table("shipment")
public record Shipment(@Id Long id, String name, Address address, String raw) {
}
