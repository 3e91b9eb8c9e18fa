package io.pgconn.internal.auth;

import io.pgconn.AuthMethod;
import java.util.EnumSet;
import java.util.Set;

/** Sets of authentication methods written as letters in test tables: N none, P password, M md5, S scram-sha-256, X scram-sha-256-plus. */
final class AuthLetters {

    private AuthLetters() {
    }

    static Set<AuthMethod> methods(String letters) {
        Set<AuthMethod> methods = EnumSet.noneOf(AuthMethod.class);
        for (char c : letters.toCharArray()) {
            methods.add(switch (c) {
                case 'N' -> AuthMethod.NONE;
                case 'P' -> AuthMethod.PASSWORD;
                case 'M' -> AuthMethod.MD5;
                case 'S' -> AuthMethod.SCRAM_SHA_256;
                case 'X' -> AuthMethod.SCRAM_SHA_256_PLUS;
                default -> throw new IllegalArgumentException("unknown method letter " + c);
            });
        }
        return methods;
    }
}
