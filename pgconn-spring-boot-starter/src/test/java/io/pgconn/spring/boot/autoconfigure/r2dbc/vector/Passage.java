package io.pgconn.spring.boot.autoconfigure.r2dbc.vector;

import io.pgconn.codec.Json;
import io.pgconn.codec.PgVector;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of {@code passage}: a pgvector {@code vector} column and a {@code jsonb} one, mapped to pgconn's classes. */
@Table("passage")
public record Passage(@Id Long id, String title, PgVector embedding, Json meta) {
}
