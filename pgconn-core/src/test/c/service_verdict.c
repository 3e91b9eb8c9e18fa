/*
 * libpq's verdict on service files, for io.pgconn.config.ServiceFileDifferentialIT (docs/testing.md §3a), which
 * compiles this file with gcc against libpq-fe.h and the testkit's libpq 18.
 *
 * stdin: one case per line, TAB-separated and hex-encoded: the connection string, then the case's environment as
 *   NAME=VALUE fields. Before each case every variable starting with PG, and HOME, is unset; then the case's are set.
 * stdout: first "LIBPQ <TAB> PQlibVersion()", then one line per case:
 *   REFUSED <TAB> hex(first line of libpq's message)   the options were refused (service file, keyword or value)
 *   ACCEPTED {<TAB> keyword=hex(value)}                every option PQconninfo reports set, in libpq's order
 * The options are read by PQconnectStart, which applies the service file and the environment; it then starts a
 * non-blocking dial, which the cases aim at TEST-NET addresses (192.0.2.0/24) or missing socket directories: a
 * dial that failed at once ("connection to server ...") still counts as accepted options. PQfinish ends it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "verdict_hex.h"

extern char **environ;

/* Decodes hex in place into a NUL-terminated string; returns 0 when the field is not hex. */
static int unhex(char *field) {
    size_t n = strlen(field), len = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        int hi = nibble(field[i]), lo = nibble(field[i + 1]);
        if (hi < 0 || lo < 0) return 0;
        field[len++] = (char) (hi * 16 + lo);
    }
    field[len] = 0;
    return 1;
}

static void clear_environment(void) {
    for (int again = 1; again;) {
        again = 0;
        for (char **e = environ; *e != NULL; e++) {
            if (strncmp(*e, "PG", 2) == 0 || strncmp(*e, "HOME=", 5) == 0) {
                char name[256];
                size_t k = strcspn(*e, "=");
                if (k >= sizeof name) k = sizeof name - 1;
                memcpy(name, *e, k);
                name[k] = 0;
                unsetenv(name);
                again = 1;
                break;
            }
        }
    }
}

int main(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    printf("LIBPQ\t%d\n", PQlibVersion());
    while ((n = getline(&line, &cap, stdin)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        clear_environment();
        char *rest = line;
        char *conninfo = strsep(&rest, "\t"); /* strsep, not strtok: an empty connection string is a field too */
        if (!unhex(conninfo)) { fprintf(stderr, "bad case line\n"); return 2; }
        for (char *f = strsep(&rest, "\t"); f != NULL; f = strsep(&rest, "\t")) {
            if (!unhex(f)) { fprintf(stderr, "bad environment field\n"); return 2; }
            char *eq = strchr(f, '=');
            if (eq == NULL) { fprintf(stderr, "environment field without '='\n"); return 2; }
            *eq = 0;
            setenv(f, eq + 1, 1);
        }
        PGconn *conn = PQconnectStart(conninfo);
        const char *message = conn == NULL ? "out of memory" : PQerrorMessage(conn);
        int refused = conn == NULL || (PQstatus(conn) == CONNECTION_BAD && strncmp(message, "connection to server", 20) != 0);
        if (refused) {
            printf("REFUSED\t");
            char *first = strdup(message);
            char *nl = strchr(first, '\n');
            if (nl) *nl = 0;
            put_hex(first);
            free(first);
        } else {
            printf("ACCEPTED");
            PQconninfoOption *options = PQconninfo(conn);
            for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++) {
                if (o->val != NULL) {
                    printf("\t%s=", o->keyword);
                    put_hex(o->val);
                }
            }
            PQconninfoFree(options);
        }
        if (conn != NULL) PQfinish(conn);
        printf("\n");
        fflush(stdout);
    }
    free(line);
    return 0;
}
