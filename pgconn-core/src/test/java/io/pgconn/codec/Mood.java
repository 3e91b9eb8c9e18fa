package io.pgconn.codec;

/** A user's enum for a PostgreSQL enum type ({@code CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')}), read through {@link MoodCodec}. */
enum Mood { SAD, OK, HAPPY }
