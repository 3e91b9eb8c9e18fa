package io.pgconn.spring.boot.autoconfigure.r2dbc.enums;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

import java.util.List;

/** A row of {@code ticket}: a {@code mood} column and two {@code mood[]} columns, as a {@code List} and an array. */
@Table("ticket")
public record Ticket(@Id Long id, Mood mood, List<Mood> moods, Mood[] history) {

    /** The labels of the PostgreSQL enum {@code mood}. */
    public enum Mood { SAD, OK, HAPPY }
}
