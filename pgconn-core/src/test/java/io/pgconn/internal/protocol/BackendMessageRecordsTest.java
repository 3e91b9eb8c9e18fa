package io.pgconn.internal.protocol;

import io.pgconn.internal.protocol.backend.*;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Record behaviour the decoder tests do not cover: secret-free toString, array equality, names. */
class BackendMessageRecordsTest {

    @Test
    void backendKeyDataShowsPidAndKeyLengthOnly() {
        BackendKeyData data = new BackendKeyData(4242, new byte[] {0x11, 0x22, 0x33, 0x44});
        assertThat(data.toString()).isEqualTo("BackendKeyData[processId=4242, secretKey=4 bytes]");
        assertThat(data).isEqualTo(new BackendKeyData(4242, new byte[] {0x11, 0x22, 0x33, 0x44}))
                .hasSameHashCodeAs(new BackendKeyData(4242, new byte[] {0x11, 0x22, 0x33, 0x44}))
                .isNotEqualTo(new BackendKeyData(4242, new byte[] {0x11, 0x22, 0x33, 0x45}));
    }

    @Test
    void saslPayloadsShowLengthOnly() {
        byte[] data = "r=nonce,s=salt,i=4096".getBytes(StandardCharsets.US_ASCII);
        assertThat(new AuthenticationSaslContinue(data).toString()).isEqualTo("AuthenticationSaslContinue[21 bytes]");
        assertThat(new AuthenticationSaslFinal(data).toString()).doesNotContain("nonce");
        assertThat(new AuthenticationMd5Password(new byte[4]).toString()).contains("4 bytes");
        assertThat(new AuthenticationSaslFinal(data)).isEqualTo(new AuthenticationSaslFinal(data.clone()));
    }

    @Test
    void parameterDescriptionComparesByContent() {
        assertThat(new ParameterDescription(new int[] {23})).isEqualTo(new ParameterDescription(new int[] {23}))
                .hasToString("ParameterDescription[typeOids=[23]]");
    }

    @Test
    void unsupportedAuthenticationMethodNames() {
        assertThat(new AuthenticationUnsupported(2).methodName()).isEqualTo("KerberosV5");
        assertThat(new AuthenticationUnsupported(6).methodName()).isEqualTo("SCMCredential");
        assertThat(new AuthenticationUnsupported(7).methodName()).isEqualTo("GSS");
        assertThat(new AuthenticationUnsupported(8).methodName()).isEqualTo("GSSContinue");
        assertThat(new AuthenticationUnsupported(9).methodName()).isEqualTo("SSPI");
        assertThat(new AuthenticationUnsupported(4).methodName()).isEqualTo("unknown authentication code 4");
    }

    @Test
    void dataRowKeepsNullsAndIsImmutable() {
        DataRow row = new DataRow(Arrays.asList("a", null));
        assertThat(row.values()).containsExactly("a", null);
        assertThatThrownBy(() -> row.values().add("b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void copyResponseAcceptsOnlyCopyKinds() {
        assertThatThrownBy(() -> new CopyResponse('X')).isInstanceOf(IllegalArgumentException.class);
    }
}
