package io.pgconn.codec;

import java.util.Arrays;

/**
 * A pgvector {@code vector} value to send as {@code vector}: 1 to 16,000 finite {@code float4}
 * elements, checked when it is made. A Java {@code float[]} parameter is always a {@code float4[]}
 * (codecs.md), whatever extensions the database has; bind a {@code PgVector} where the statement needs
 * a vector ({@code embedding <=> $1}). Results of {@code vector} read as {@code float[]} by default, or
 * as {@code PgVector} when asked. Immutable: it copies the array it is made from and the one it hands
 * out. {@link #toString()} shows the dimensions only, like other parameter values in pgconn's messages.
 */
public final class PgVector {

    /** pgvector's VECTOR_MAX_DIM. */
    public static final int MAX_DIMENSIONS = 16_000;

    private final float[] elements;

    private PgVector(float[] elements) {
        this.elements = elements;
    }

    /**
     * A vector of these elements (copied).
     *
     * @throws NullPointerException     when {@code elements} is null (a SQL NULL is bound as a null
     *                                  parameter, not as a PgVector)
     * @throws IllegalArgumentException when there are fewer than 1 or more than 16,000 elements, or one
     *                                  is NaN or infinite (the message names the count or the index)
     */
    public static PgVector of(float... elements) {
        if (elements == null) {
            throw new NullPointerException("PgVector.of: elements is null; a vector has 1 to " + MAX_DIMENSIONS
                    + " finite float elements (for a SQL NULL bind null itself, not a PgVector)");
        }
        float[] copy = elements.clone();
        String problem = problem(copy);
        if (problem != null) {
            throw new IllegalArgumentException("not a pgvector vector: " + problem);
        }
        return new PgVector(copy);
    }

    /** Why {@code elements} is not a vector pgvector accepts, or null when it is one. */
    static String problem(float[] elements) {
        if (elements.length < 1 || elements.length > MAX_DIMENSIONS) {
            return "a vector has 1 to " + MAX_DIMENSIONS + " dimensions, this one " + elements.length;
        }
        for (int i = 0; i < elements.length; i++) {
            if (Float.isNaN(elements[i]) || Float.isInfinite(elements[i])) {
                return "NaN and infinite elements are not allowed in a vector (element " + i + ")";
            }
        }
        return null;
    }

    /** Wraps an array this package made and will not change. */
    static PgVector wrap(float[] elements) {
        return new PgVector(elements);
    }

    /** The number of elements. */
    public int dimensions() {
        return elements.length;
    }

    /** The elements, as a new array. */
    public float[] toArray() {
        return elements.clone();
    }

    /** The element array itself, for the codec (never handed out). */
    float[] elements() {
        return elements;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgVector other && Arrays.equals(elements, other.elements);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(elements);
    }

    @Override
    public String toString() {
        return "PgVector[" + elements.length + " dimensions]";
    }
}
