/* Differential harness: for each case line "MODE\tENV\tCONNINFO" prints libpq's outcome.
 * MODE: p (parse+options), c (connect) or w (the password libpq picked for the first host: PQpass after
 * PQconnectStart, i.e. the password given or the .pgpass line that matched). ENV: '-' or NAME=VALUE pairs separated by ';'. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <libpq-fe.h>

static const char *KEYS[] = {"host","hostaddr","port","dbname","user","password","passfile","service",
 "application_name","fallback_application_name","options","client_encoding","replication","sslmode","sslnegotiation",
 "sslrootcert","sslcert","sslkey","sslsni","ssl_min_protocol_version","ssl_max_protocol_version","channel_binding",
 "require_auth","target_session_attrs","load_balance_hosts","connect_timeout","keepalives","keepalives_idle",
 "keepalives_interval","keepalives_count","tcp_user_timeout","gssencmode","sslcertmode","min_protocol_version","max_protocol_version",NULL};

static void firstline(const char *m, char *out, size_t n) {
  size_t i = 0; if (!m) { out[0]=0; return; }
  while (m[i] && m[i] != '\n' && i < n-1) { out[i] = m[i]; i++; } out[i]=0;
}

static void printopts(PQconninfoOption *o) {
  for (int k = 0; KEYS[k]; k++)
    for (PQconninfoOption *p = o; p->keyword; p++)
      if (!strcmp(p->keyword, KEYS[k]) && p->val)
        printf("\x1f%s=%s", p->keyword, p->val);
}

static void runcase(char mode, char *env, char *ci) {
  clearenv();
  setenv("HOME", "/tmp/lpq/home", 1);
  setenv("PGSYSCONFDIR", "/tmp/lpq/home/sysconf", 1);
  if (strcmp(env, "-")) {
    char *save, *tok = strtok_r(env, ";", &save);
    for (; tok; tok = strtok_r(NULL, ";", &save)) { char *eq = strchr(tok, '='); if (eq) { *eq = 0; setenv(tok, eq+1, 1); } }
  }
  char buf[2048];
  char *err = NULL;
  PQconninfoOption *parsed = PQconninfoParse(ci, &err);
  if (!parsed) { firstline(err, buf, sizeof buf); printf("PARSE_ERR\t%s", buf); return; }
  printf("PARSED\t"); printopts(parsed); PQconninfoFree(parsed);
  if (mode == 'w') {
    PGconn *c = PQconnectStart(ci);
    const char *pw = c ? PQpass(c) : NULL;
    printf("\tPASSWORD\t%s", pw && *pw ? pw : "-");
    if (c) PQfinish(c);
    return;
  }
  if (mode == 'p') {
    PGconn *c = PQconnectStart(ci);
    if (!c) { printf("\tNOMEM"); return; }
    PQconninfoOption *r = PQconninfo(c);
    if (PQstatus(c) == CONNECTION_BAD) { firstline(PQerrorMessage(c), buf, sizeof buf); printf("\tOPT_ERR\t%s\t", buf); }
    else printf("\tRESOLVED\t");
    if (r) { printopts(r); PQconninfoFree(r); }
    PQfinish(c);
  } else {
    PGconn *c = PQconnectdb(ci);
    if (PQstatus(c) != CONNECTION_OK) { firstline(PQerrorMessage(c), buf, sizeof buf); printf("\tCONN_ERR\t%s", buf); }
    else {
      PGresult *res = PQexec(c, "select current_user, current_database(), current_setting('application_name'), pg_is_in_recovery()");
      printf("\tCONN_OK\thost=%s port=%s ssl=%d user=%s db=%s app=%s recovery=%s", PQhost(c), PQport(c), PQsslInUse(c),
        PQgetvalue(res,0,0), PQgetvalue(res,0,1), PQgetvalue(res,0,2), PQgetvalue(res,0,3));
      PQclear(res);
    }
    PQfinish(c);
  }
}

int main(void) {
  char *line = NULL; size_t cap = 0; ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n-1] == '\n') line[--n] = 0;
    if (!n || line[0] == '#') continue;
    char *t1 = strchr(line, '\t'); if (!t1) continue; *t1 = 0;
    char *t2 = strchr(t1+1, '\t'); if (!t2) continue; *t2 = 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { runcase(line[0], t1+1, t2+1); printf("\n"); fflush(stdout); _exit(0); }
    int st; waitpid(pid, &st, 0);
  }
  return 0;
}
