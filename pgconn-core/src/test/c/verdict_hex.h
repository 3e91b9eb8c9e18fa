/*
 * The hex encoding the libpq verdict programs (conninfo_verdict.c, service_verdict.c) read and write: every string
 * crosses stdin and stdout as hex, so it may hold any byte but NUL.
 */
#ifndef PGCONN_VERDICT_HEX_H
#define PGCONN_VERDICT_HEX_H

#include <stdio.h>

static int nibble(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_hex(const char *s) {
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) printf("%02x", *p);
}

#endif
