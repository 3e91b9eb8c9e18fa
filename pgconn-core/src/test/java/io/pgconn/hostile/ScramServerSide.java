package io.pgconn.hostile;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The bits of the server side of SCRAM a hostile script needs: parse the client-first nonce. */
final class ScramServerSide {

    private ScramServerSide() {
    }

    /** The client nonce from a SASLInitialResponse body: mechanism C string, int32 length, client-first-message. */
    static String clientNonce(Conversation.Message initialResponse) {
        byte[] body = initialResponse.body();
        int nul = 0;
        while (body[nul] != 0) {
            nul++;
        }
        int start = nul + 1 + 4;
        String clientFirst = new String(body, start, body.length - start, StandardCharsets.UTF_8);
        int r = clientFirst.indexOf("r=");
        int end = clientFirst.indexOf(',', r);
        return clientFirst.substring(r + 2, end < 0 ? clientFirst.length() : end);
    }

    static String serverFirst(String nonce, int iterations) {
        return "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString("pgconn-salt-1234".getBytes(StandardCharsets.UTF_8))
                + ",i=" + iterations;
    }
}
