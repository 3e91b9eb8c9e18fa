package io.pgconn.config;

import io.pgconn.PgConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Config errors name the setting and the rejected value as fields, so callers need not read messages. */
class PgConfigExceptionTest {

    private static PgConfigException parseFails(String connectionString) {
        return catchThrowableOfType(PgConfigException.class, () -> ConnConfig.parse(connectionString, EnvironmentSource.none()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            sslmode=bogus                          | sslmode                  | bogus
            port=99999                             | port                     | 99999
            host=a,b port=1,2,3                    | port                     | 1,2,3
            target_session_attrs=any-standby       | target_session_attrs     | any-standby
            require_auth=kerberos                  | require_auth             | kerberos
            min_protocol_version=4.0               | min_protocol_version     | 4.0
            ssl_min_protocol_version=TLSv9         | ssl_min_protocol_version | TLSv9
            sslmode=prefer sslnegotiation=direct   | sslmode                  | prefer
            channel_binding=require sslmode=disable| channel_binding          | require
            nosuchoption=1                         | nosuchoption             |
            postgresql://h:abc/db                  | port                     | abc
            """)
    void keywordAndValue(String connectionString, String keyword, String value) {
        PgConfigException e = parseFails(connectionString);

        assertThat(e.keyword()).hasValue(keyword);
        assertThat(e.value().orElse(null)).isEqualTo(value);
    }

    @Test
    void aSyntaxErrorNamesNoSetting() {
        PgConfigException e = parseFails("host=a dbname");

        assertThat(e.keyword()).isEmpty();
        assertThat(e.value()).isEmpty();
    }

    @Test
    void aSecretsValueIsNeverKept() {
        PgConfigException e = catchThrowableOfType(PgConfigException.class,
                () -> ConnConfig.builder().password("hunter\0two").build());

        assertThat(e.keyword()).hasValue("password");
        assertThat(e.value()).isEmpty();
        assertThat(e.getMessage()).doesNotContain("hunter");
        assertThat(new PgConfigException(null, "sslpassword", "s3cret", "invalid sslpassword").value()).isEmpty();
    }
}
