package io.pgconn.internal.session;

/**
 * How current one factory's knowledge of type OIDs is: a number that moves whenever a session of the
 * factory saw a command that can create, drop or rename a type ({@link TypeChangingCommands}) end its
 * transaction, or the user called {@code forgetTypeOids()}. A session whose answer is of an earlier
 * epoch looks its names up again before its next statement ({@link SessionTypeOids}).
 */
public interface TypeOidEpoch {

    long current();

    /** Types may have changed: every answer learned so far is stale. */
    void advance();
}
