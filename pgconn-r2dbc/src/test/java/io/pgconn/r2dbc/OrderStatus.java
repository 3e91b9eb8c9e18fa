package io.pgconn.r2dbc;

/** A Java enum for the tests' PostgreSQL enum type {@code order_status} ('new', 'paid', 'shipped'). */
enum OrderStatus { NEW, PAID, SHIPPED }
