package io.pgconn.spring.boot.autoconfigure.r2dbc.codecs;

/** The Java side of the PostgreSQL enum {@code order_status}. */
public enum OrderStatus { NEW, PAID, SHIPPED }
