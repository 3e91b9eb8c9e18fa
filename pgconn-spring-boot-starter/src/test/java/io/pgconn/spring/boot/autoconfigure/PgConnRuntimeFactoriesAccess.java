package io.pgconn.spring.boot.autoconfigure;

/** A {@link PgConnRuntimeFactories} for tests outside its package (its constructor is the auto-configuration's). */
public final class PgConnRuntimeFactoriesAccess {

    private PgConnRuntimeFactoriesAccess() {
    }

    public static PgConnRuntimeFactories create() {
        return new PgConnRuntimeFactories(new FailoverTrackers());
    }
}
