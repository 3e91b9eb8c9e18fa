package io.pgconn.internal.protocol;

import io.pgconn.ProtocolVersion;
import io.pgconn.PgConfigException;
import io.pgconn.internal.protocol.frontend.*;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What frontend messages refuse to build, and what their toString never shows. */
class FrontendMessageValidationTest {

    private static StartupMessage startup(String name, String value) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put(name, value);
        return new StartupMessage(ProtocolVersion.V3_0, params);
    }

    @Test
    void startupRejectsEmptyName() {
        assertThatThrownBy(() -> startup("", "x"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("name must not be empty");
    }

    @Test
    void startupRejectsNulInName() {
        assertThatThrownBy(() -> startup("us\0er", "x"))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("\"us\\0er\" contains a NUL");
    }

    @Test
    void startupRejectsNulInValueNamingTheParameterNotTheValue() {
        assertThatThrownBy(() -> startup("application_name", "ab\0cd"))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("value of startup parameter \"application_name\" contains a NUL")
                .message().doesNotContain("ab");
        assertThatThrownBy(() -> startup("password", "hunter2\0"))
                .isInstanceOf(PgConfigException.class)
                .hasMessageContaining("\"password\"")
                .message().doesNotContain("hunter2");
    }

    @Test
    void startupRejectsNullValue() {
        assertThatThrownBy(() -> startup("user", null))
                .isInstanceOf(PgConfigException.class).hasMessageContaining("\"user\" must not be null");
    }

    @Test
    void startupCopiesParametersAndHidesPasswordInToString() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "bob");
        params.put("password", "hunter2");
        StartupMessage m = new StartupMessage(ProtocolVersion.V3_2, params);
        params.clear();
        assertThat(m.parameters()).containsExactly(Map.entry("user", "bob"), Map.entry("password", "hunter2"));
        assertThat(m.toString()).contains("user=bob", "3.2").doesNotContain("hunter2");
    }

    @Test
    void queryRejectsNul() {
        assertThatThrownBy(() -> new Query("SELECT 1;\0DROP TABLE t"))
                .isInstanceOf(PgConfigException.class).hasMessage("query text contains a NUL character (at index 9)");
    }

    @Test
    void passwordRejectsNulAndHidesContent() {
        assertThatThrownBy(() -> new PasswordMessage("pa\0ss".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PgConfigException.class).hasMessage("password contains a NUL byte");
        assertThat(new PasswordMessage("hunter2".getBytes(StandardCharsets.UTF_8)).toString()).doesNotContain("hunter2");
    }

    @Test
    void saslInitialResponseRejectsBadMechanism() {
        assertThatThrownBy(() -> new SaslInitialResponse("", null)).isInstanceOf(PgConfigException.class);
        assertThatThrownBy(() -> new SaslInitialResponse("SCRAM\0", null)).isInstanceOf(PgConfigException.class);
    }

    @Test
    void secretsAreShownAsLengthOnly() {
        assertThat(new CancelRequest(42, new byte[] {7, 7, 7, 7}).toString())
                .isEqualTo("CancelRequest[processId=42, secretKey=4 bytes]");
        assertThat(new SaslResponse("c=biws,p=proof".getBytes(StandardCharsets.UTF_8)).toString())
                .isEqualTo("SaslResponse[14 bytes]");
        assertThat(new SaslInitialResponse("SCRAM-SHA-256", new byte[3]).toString()).contains("3 bytes");
    }

    @Test
    void arrayRecordsCompareByContent() {
        assertThat(new CancelRequest(1, new byte[] {1, 2, 3, 4})).isEqualTo(new CancelRequest(1, new byte[] {1, 2, 3, 4}))
                .hasSameHashCodeAs(new CancelRequest(1, new byte[] {1, 2, 3, 4}));
        assertThat(new SaslInitialResponse("M", null)).isEqualTo(new SaslInitialResponse("M", null));
    }
}
