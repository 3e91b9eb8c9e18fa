package io.pgconn.spring.boot.autoconfigure.r2dbc.codecs;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code shipment}: an {@code order_status} column and an {@code order_status[]} one. */
@Table("shipment")
public record Shipment(@Id Long id, OrderStatus status, OrderStatus[] allowed) {
}
