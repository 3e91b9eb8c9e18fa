package io.pgconn.spring.boot.autoconfigure;

import io.pgconn.PgAuthenticationException;
import io.pgconn.PgConfigException;
import io.pgconn.PgException;
import io.pgconn.PgProtocolException;
import io.pgconn.PgRoleMismatchException;
import io.pgconn.PgTimeoutException;
import io.pgconn.PgTlsException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The "Action" of the start-up check's failure report ({@code pg.conn.startup-check=fail}) and of its
 * WARN ({@code warn}): what to change for the cause the connect met, chosen from the server's SQLSTATE and the exception's type,
 * never from message text (new user 6 F3: one text named username and password for an unknown
 * database). A multi-host walk's failure carries each host's as suppressed: each distinct cause gets
 * its action, in the order the hosts were tried. The one place that maps causes to actions.
 */
final class StartupFailureAction {

    /** Core's keywords of the client's TLS files ({@link PgConfigException#keyword()}). */
    private static final Set<String> TLS_FILE_KEYWORDS = Set.of("sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl",
            "sslcrldir");

    private static final String OR_WARN = "set 'pg.conn.startup-check' to 'warn' to start without the database.";

    /** A cause and what to do about it. */
    enum Cause {
        /** 3D000 invalid_catalog_name. */
        UNKNOWN_DATABASE("Set 'pg.conn.database' (or the database in 'pg.conn.url') to a database that exists on the"
                + " server, or create it there; when neither names one, the database is the user name"),
        /** 28P01 invalid_password. */
        WRONG_PASSWORD("Check 'pg.conn.username' and 'pg.conn.password': the server refused the password for that user"),
        /** 28000 invalid_authorization_specification: pg_hba.conf rejected the connection, or the role may not log in. */
        NOT_AUTHORIZED("Check that the role 'pg.conn.username' names exists and may log in; when the server's"
                + " pg_hba.conf rejected the connection ('no pg_hba.conf entry', 'pg_hba.conf rejects connection'),"
                + " the fix is on the server: a pg_hba.conf entry for this user, database and client address (with or"
                + " without TLS, see 'pg.conn.ssl.mode'), then reload the server's configuration"),
        /** Refused by the client's own policy, or no password to send: no SQLSTATE. */
        CLIENT_AUTHENTICATION("Check 'pg.conn.username' and 'pg.conn.password' and, if set, 'pg.conn.require-auth'"
                + " and 'pg.conn.channel-binding' against the authentication the server asks for"),
        /** 53300 too_many_connections. */
        TOO_MANY_CONNECTIONS("The server has no connection slot free (max_connections, or a CONNECTION LIMIT on the"
                + " role or database): lower 'pg.conn.pool.max-size' here or in the other clients of the server,"
                + " or raise the limit on the server"),
        /** 57P03 cannot_connect_now. */
        STARTING_UP("The server is starting up, shutting down or in recovery and takes no connections yet: start the"
                + " application again once the server accepts connections"),
        /**
         * The server answered but its role is not one target_session_attrs accepts ({@link PgRoleMismatchException};
         * when every host had another role, each host's is attached to the walk's failure as suppressed).
         */
        WRONG_ROLE("The server answered but has another role than 'pg.conn.target-session-attrs' asks for (the reason"
                + " names each host's role: a standby where a primary is wanted, or a primary where a standby is):"
                + " check 'pg.conn.target-session-attrs' and 'pg.conn.hosts' (a failover in progress looks like this:"
                + " no primary until a standby is promoted)"),
        /** TLS not negotiated or the certificate refused. */
        TLS("Check the TLS settings 'pg.conn.ssl.*' ('mode', 'root-cert' or 'bundle', 'cert', 'key') against the"
                + " server's certificate and its ssl configuration; 'verify-full' also needs the host name in the certificate"),
        /**
         * A TLS file of this client could not be used ({@link PgConfigException} naming {@code sslrootcert},
         * {@code sslcert}, {@code sslkey}, {@code sslpassword}, {@code sslcrl} or {@code sslcrldir}): a missing or
         * unreadable file, a key readable by others, a key password that does not decrypt it. Neither the server nor
         * the login (NEW-USER-20 F10: it got UNKNOWN's "check that the server is running ... and the password").
         */
        TLS_FILE("Check this application's TLS files: 'pg.conn.ssl.root-cert', 'pg.conn.ssl.cert' and 'pg.conn.ssl.key'"
                + " must name readable PEM files, the key readable by its owner only (chmod 0600), and"
                + " 'pg.conn.ssl.key-password' must decrypt an encrypted key (the reason names the file and uses libpq's"
                + " names: sslrootcert, sslcert, sslkey, sslpassword)"),
        /** Refused, unknown host, no route. */
        UNREACHABLE("Check that the PostgreSQL server is running and listening at the host and port in 'pg.conn.hosts'"
                + " (or 'pg.conn.url'), and that this machine can reach it (host name, firewall)"),
        /**
         * The peer answered, but not as a PostgreSQL server does ({@link PgProtocolException} before the session is
         * up: another service at that port, e.g. an HTTP server; new user 19's F5: it got the general text about
         * username and password, though no login had begun).
         */
        NOT_POSTGRESQL("Check the host and port in 'pg.conn.hosts' (or 'pg.conn.url'): what answered there does not"
                + " speak PostgreSQL's protocol (the reason shows what it sent; another service, such as an HTTP server,"
                + " may listen at that port)"),
        /** No answer within the deadline. */
        NO_ANSWER("Check that the server is running and reachable at the host and port in 'pg.conn.hosts' (a firewall"
                + " that drops packets looks like this), or raise 'pg.conn.connect-timeout' and 'pg.conn.host-connect-timeout'"),
        /** Anything else. */
        UNKNOWN("Check that the server is running and reachable and that 'pg.conn.username' and 'pg.conn.password' are right");

        private final String action;

        Cause(String action) {
            this.action = action;
        }

        String action() {
            return this.action;
        }
    }

    private StartupFailureAction() {
    }

    /** The action for the start-up connect's failure: one line per distinct cause, then the way to start anyway. */
    static String of(Throwable failure) {
        return of(causes(failure));
    }

    /**
     * The action for {@code warn}'s log line: each distinct cause's, in order, on one line, without the
     * way to start anyway (the application has started).
     */
    static String forWarning(Throwable failure) {
        return causes(failure).stream().map(Cause::action).collect(Collectors.joining(". ", "", "."));
    }

    /** The action when nothing is known of the cause. */
    static String ofUnknownCause() {
        return of(List.of(Cause.UNKNOWN));
    }

    private static String of(List<Cause> causes) {
        if (causes.size() == 1) {
            return causes.get(0).action() + ", or " + OR_WARN;
        }
        StringBuilder action = new StringBuilder();
        for (Cause cause : causes) {
            action.append(cause.action()).append(".\n");
        }
        return action.append("Or ").append(OR_WARN).toString();
    }

    /** The distinct causes, in order: each host's of a multi-host walk (its failures as suppressed), else the failure's own. */
    static List<Cause> causes(Throwable failure) {
        Set<Cause> causes = new LinkedHashSet<>();
        if (failure instanceof PgException walk && walk.host() == null && walk.getSuppressed().length > 0) {
            for (Throwable host : walk.getSuppressed()) {
                causes.add(cause(host));
            }
        } else {
            causes.add(cause(failure));
        }
        return new ArrayList<>(causes);
    }

    /** The cause of one host's failure. */
    static Cause cause(Throwable failure) {
        if (failure instanceof PgException pg && pg.sqlState().isPresent()) {
            switch (pg.sqlState().get()) {
                case "3D000":
                    return Cause.UNKNOWN_DATABASE;
                case "28P01":
                    return Cause.WRONG_PASSWORD;
                case "28000":
                    return Cause.NOT_AUTHORIZED;
                case "53300":
                    return Cause.TOO_MANY_CONNECTIONS;
                case "57P03":
                    return Cause.STARTING_UP;
                default:
                    return Cause.UNKNOWN;
            }
        }
        if (failure instanceof PgRoleMismatchException) {
            return Cause.WRONG_ROLE;
        }
        if (failure instanceof PgConfigException config && config.keyword().filter(TLS_FILE_KEYWORDS::contains).isPresent()) {
            return Cause.TLS_FILE;
        }
        if (failure instanceof PgTlsException) {
            return Cause.TLS;
        }
        if (failure instanceof PgAuthenticationException) {
            return Cause.CLIENT_AUTHENTICATION;
        }
        if (failure instanceof PgProtocolException) {
            return Cause.NOT_POSTGRESQL;
        }
        if (failure instanceof PgTimeoutException || failure instanceof TimeoutException) {
            return Cause.NO_ANSWER;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                return Cause.UNREACHABLE;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Cause.UNKNOWN;
    }
}
