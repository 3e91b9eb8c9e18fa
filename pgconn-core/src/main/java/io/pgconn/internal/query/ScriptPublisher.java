package io.pgconn.internal.query;

import io.pgconn.PgConfigException;
import io.pgconn.query.Segment;
import io.pgconn.query.SqlShape;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * {@code PgConnection.script(statements)}: checks the statements before anything is sent (one
 * statement each, no parameters, no COPY, no NUL) and runs them as one {@link ScriptExchange} per
 * subscription, with {@link StatementRun}'s demand and cancel.
 */
public final class ScriptPublisher implements Flow.Publisher<Segment> {

    /** What a timeout message would say; scripts have none. */
    private static final StatementPlan PLAN = new StatementPlan("", new int[0], List.of(), 0, null);

    private final QuerySession session;
    private final List<String> statements;
    private final RuntimeException refused;

    public ScriptPublisher(QuerySession session, List<String> statements) {
        Objects.requireNonNull(statements, "statements");
        this.session = session;
        this.statements = List.copyOf(statements); // null elements: NullPointerException here
        this.refused = check(session, this.statements);
    }

    /** Why the script cannot be sent, naming the statement by its number (never its text), or null. */
    private static RuntimeException check(QuerySession session, List<String> statements) {
        for (int i = 0; i < statements.size(); i++) {
            String sql = statements.get(i);
            String which = "statement " + (i + 1) + " of the script for " + session.host();
            PgConfigException unsendable = SendableQueryText.refusal(session.host(), sql, which, "nothing was sent",
                    SendableQueryText.MAX_BYTES);
            if (unsendable != null) {
                return unsendable;
            }
            SqlShape shape = session.sqlShapes().of(sql);
            if (shape.statementCount() > 1) {
                return new IllegalArgumentException(which + " holds " + shape.statementCount()
                        + " statements: pass one statement per element (PgConnection.statements splits a script); nothing was sent");
            }
            if (shape.complete() && shape.parameterCount() > 0) {
                return new IllegalArgumentException(which + " takes parameters ($1" + (shape.parameterCount() > 1
                        ? " to $" + shape.parameterCount() : "") + "), but a script runs without parameters; nothing was sent");
            }
            if (CopyRefusal.mayCopy(sql) || "COPY".equals(ScriptExchange.firstKeyword(sql))) { // behind a comment too
                return new IllegalArgumentException(which + " is a COPY, which a script does not run (COPY runs through copyIn or copyOut); nothing was sent");
            }
        }
        return null;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Segment> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (refused != null || statements.isEmpty()) {
            EndedAtOnce.signal(subscriber, refused);
            return;
        }
        StatementStart.start(session, subscriber, PLAN, run -> new ScriptExchange(run, statements), statements);
    }
}
