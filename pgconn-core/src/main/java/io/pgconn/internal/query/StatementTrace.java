package io.pgconn.internal.query;

import io.pgconn.FatalErrors;
import io.pgconn.config.HostSpec;
import io.pgconn.trace.PgTracer;
import io.pgconn.trace.PgTracer.StatementKind;
import io.pgconn.trace.PgTracer.StatementSpan;
import io.pgconn.trace.PgTracer.StatementStarted;
import io.pgconn.trace.StatementLayer;

import java.net.SocketAddress;
import java.util.List;

/**
 * The statement events of one connection (docs/query.md §8): what it knows of its server, and the
 * factory's tracer. A session has one only when its factory has a tracer (set when the connect hands the
 * connection out), so a connection without one makes nothing per statement: the hot path's cost is a
 * null check. Safe from any thread.
 */
public final class StatementTrace {

    private static final String CORE = "core";

    private final PgTracer tracer;
    private final HostSpec host;
    private final SocketAddress address;
    private final String database;
    private final int processId;

    public StatementTrace(PgTracer tracer, HostSpec host, SocketAddress address, String database, int processId) {
        this.tracer = tracer;
        this.host = host;
        this.address = address;
        this.database = database;
        this.processId = processId;
    }

    /** A statement is submitted (on the caller's thread); null when the tracer does not follow it. */
    TracedStatement extended(StatementPlan plan, Object subscriber) {
        return start(StatementKind.EXTENDED, plan.sql(), plan.typeOids().length, plan.setCount(), subscriber);
    }

    /** A script is submitted; null when the tracer does not follow it. */
    TracedStatement script(List<String> statements, Object subscriber) {
        return start(StatementKind.SCRIPT, String.join(";\n", statements), 0, statements.size(), subscriber);
    }

    /** A simple query is submitted; null when the tracer does not follow it. */
    public TracedStatement simple(String sql) {
        return start(StatementKind.SIMPLE, sql, 0, 1, null);
    }

    private TracedStatement start(StatementKind kind, String sql, int parameters, int batchSize, Object subscriber) {
        String layer = subscriber instanceof StatementLayer named ? named.statementLayer() : CORE;
        StatementStarted event = new StatementStarted(kind, sql, parameters, batchSize, host, address, database, processId, layer);
        long startNanos = System.nanoTime();
        StatementSpan span;
        try {
            span = tracer.statementStarted(event);
        } catch (VirtualMachineError fatal) {
            FatalErrors.handToTheThread(fatal);
            return null;
        } catch (Throwable ignored) {
            return null; // a tracer must not change the outcome of a statement
        }
        return span == null ? null : new TracedStatement(event, span, startNanos);
    }
}
