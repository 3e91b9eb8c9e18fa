/*
 * libpq's verdict on connection strings, for io.pgconn.config.ConnectionStringDifferentialIT (docs/testing.md §3a),
 * which compiles this file with gcc against libpq-fe.h and the testkit's libpq, and runs it on
 * src/test/resources/libpq-conformance/differential-corpus.txt.
 *
 * stdin: one connection string per line, hex-encoded (so a string may hold any byte but NUL).
 * stdout: first "LIBPQ <TAB> PQlibVersion()", then one line per input line:
 *   PARSE_ERR <TAB> hex(first line of libpq's message)           PQconninfoParse refused it
 *   PARSED {<TAB> keyword=hex(value)}                            every keyword PQconninfoParse set, in libpq's order
 * Only PQconninfoParse is called: it reads no environment, no service file and dials nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "verdict_hex.h"

int main(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    printf("LIBPQ\t%d\n", PQlibVersion());
    while ((n = getline(&line, &cap, stdin)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        char *text = malloc(n / 2 + 1);
        size_t len = 0;
        for (ssize_t i = 0; i + 1 < n; i += 2) {
            int hi = nibble(line[i]), lo = nibble(line[i + 1]);
            if (hi < 0 || lo < 0) { fprintf(stderr, "not hex: %s\n", line); return 2; }
            text[len++] = (char) (hi * 16 + lo);
        }
        text[len] = 0;
        char *err = NULL;
        PQconninfoOption *options = PQconninfoParse(text, &err);
        if (options == NULL) {
            printf("PARSE_ERR\t");
            if (err != NULL) {
                char *nl = strchr(err, '\n');
                if (nl) *nl = 0;
                put_hex(err);
                PQfreemem(err);
            }
        } else {
            printf("PARSED");
            for (PQconninfoOption *o = options; o->keyword != NULL; o++) {
                if (o->val != NULL) {
                    printf("\t%s=", o->keyword);
                    put_hex(o->val);
                }
            }
            PQconninfoFree(options);
        }
        printf("\n");
        fflush(stdout);
        free(text);
    }
    free(line);
    return 0;
}
