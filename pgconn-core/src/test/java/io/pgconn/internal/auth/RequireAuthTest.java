package io.pgconn.internal.auth;

import io.pgconn.AuthMethod;
import io.pgconn.config.RequireAuth;
import io.pgconn.PgConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequireAuthTest {

    /** Allowed methods as {@link AuthLetters}. */
    @ParameterizedTest(name = "require_auth={0} allows {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                 | NPMSX",
            "password                           | P",
            "md5                                | M",
            "scram-sha-256                      | SX",
            "scram-sha-256-plus                 | X",
            "none                               | N",
            "!none                              | PMSX",
            "'!password,!md5'                   | NSX",
            "'password,md5'                     | PM",
            "'scram-sha-256,none'               | NSX",
            "'scram-sha-256,scram-sha-256-plus'  | SX",
            "!scram-sha-256                     | NPM",
            "!scram-sha-256-plus                | NPMS",
            "'!password,!md5,!none'             | SX",
            "!gss                               | NPMSX",
            "!sspi                              | NPMSX",
            "'!gss,!sspi,!md5'                  | NPSX",
            "'md5,gss'                          | M",
            "'sspi,scram-sha-256'               | SX"})
    void parsesPlainAndNegatedLists(String spec, String allowedLetters) {
        RequireAuth requireAuth = RequireAuth.parse(spec);
        Set<AuthMethod> expected = AuthLetters.methods(allowedLetters);
        assertThat(requireAuth.allowed()).containsExactlyInAnyOrderElementsOf(expected);
        for (AuthMethod method : AuthMethod.values()) {
            assertThat(requireAuth.allows(method)).isEqualTo(expected.contains(method));
        }
    }

    @ParameterizedTest(name = "require_auth={0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "'password,!md5'      | cannot be mixed",
            "'!md5,password'      | cannot be mixed",
            "'md5,md5'            | more than once",
            "'!none,!none'        | more than once",
            "'none,none'          | more than once",
            "kerberos             | unknown method",
            "gss                  | no GSSAPI",
            "sspi                 | no GSSAPI",
            "'gss,sspi'           | no GSSAPI",
            "'!gss,!gss'          | more than once",
            "'password,,md5'      | empty method name",
            "'md5,'               | empty method name",
            "!                    | empty method name"})
    void rejectsInvalidLists(String spec, String why) {
        assertThatThrownBy(() -> RequireAuth.parse(spec))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("require_auth")
                .hasMessageContaining(why);
    }
}
