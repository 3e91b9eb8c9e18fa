package io.pgconn.hostile;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One accepted connection of a {@link ScriptedServer}, with the reads and writes a script needs. */
public final class Conversation implements AutoCloseable {

    /** The client closed the connection: the script ends quietly. */
    static final class ClientGone extends IOException {
        private static final long serialVersionUID = 1L;

        ClientGone(Throwable cause) {
            super("client closed the connection", cause);
        }
    }

    /** A typed frontend message: its type byte and body. */
    public record Message(char type, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The first packet of a connection: SSLRequest (80877103), CancelRequest (80877102) or StartupMessage. */
    public record StartupPacket(int code, Map<String, String> parameters, byte[] raw) {
        public boolean isSslRequest() {
            return code == 80877103;
        }

        public boolean isCancelRequest() {
            return code == 80877102;
        }
    }

    private Socket socket;
    private DataInputStream in;
    private OutputStream out;

    Conversation(Socket socket) throws IOException {
        attach(socket);
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = new DataInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    /** Reads a length-prefixed packet with no type byte (SSLRequest, StartupMessage, CancelRequest). */
    public StartupPacket readStartupPacket() throws IOException {
        try {
            int length = in.readInt();
            byte[] body = new byte[length - 4];
            in.readFully(body);
            int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
            Map<String, String> parameters = new LinkedHashMap<>();
            if (code >>> 16 == 3) {
                int pos = 4;
                while (pos < body.length && body[pos] != 0) {
                    int end = indexOfNul(body, pos);
                    String key = new String(body, pos, end - pos, StandardCharsets.UTF_8);
                    int valueEnd = indexOfNul(body, end + 1);
                    parameters.put(key, new String(body, end + 1, valueEnd - end - 1, StandardCharsets.UTF_8));
                    pos = valueEnd + 1;
                }
            }
            return new StartupPacket(code, parameters, body);
        } catch (EOFException e) {
            throw new ClientGone(e);
        }
    }

    /** Reads the StartupMessage, answering 'N' to an SSLRequest first if one comes. */
    public StartupPacket readStartupRefusingTls() throws IOException {
        StartupPacket packet = readStartupPacket();
        if (packet.isSslRequest()) {
            send(new byte[]{'N'});
            packet = readStartupPacket();
        }
        return packet;
    }

    /** Reads one typed message. */
    public Message readMessage() throws IOException {
        try {
            char type = (char) in.readUnsignedByte();
            int length = in.readInt();
            byte[] body = new byte[length - 4];
            in.readFully(body);
            return new Message(type, body);
        } catch (EOFException e) {
            throw new ClientGone(e);
        }
    }

    /** Reads messages up to and including one of type {@code last} (Flush 'H', Sync 'S'); returns their types in order. */
    public List<Character> readThrough(char last) throws IOException {
        List<Character> types = new ArrayList<>();
        char type;
        do {
            type = readMessage().type();
            types.add(type);
        } while (type != last);
        return types;
    }

    public void send(byte[]... chunks) throws IOException {
        for (byte[] chunk : chunks) {
            out.write(chunk);
        }
        out.flush();
    }

    /** Sends one byte at a time with a pause between them (a slow server). */
    public void trickle(byte[] bytes, long pauseMillis) throws IOException, InterruptedException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
            Thread.sleep(pauseMillis);
        }
    }

    /** Answers 'S' and runs (optionally limited to {@code protocols}, e.g. TLSv1.2) the server side of a TLS handshake with {@code context}. */
    public void acceptTls(SSLContext context, String... protocols) throws IOException {
        send(new byte[]{'S'});
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
        tls.setUseClientMode(false);
        if (protocols.length > 0) {
            tls.setEnabledProtocols(protocols);
        }
        tls.startHandshake();
        attach(tls);
    }

    /** Runs the server side of a TLS handshake at once, with no SSLRequest ({@code sslnegotiation=direct}). */
    public void acceptDirectTls(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        attach(tls);
    }

    /** Reads the StartupMessage after accepting TLS for an SSLRequest (a plaintext StartupMessage is taken as it is). */
    public StartupPacket readStartupAcceptingTls(SSLContext context) throws IOException {
        StartupPacket packet = readStartupPacket();
        if (packet.isSslRequest()) {
            acceptTls(context);
            packet = readStartupPacket();
        }
        return packet;
    }

    /** Reads and discards whatever bytes are available now (waits for at least one). */
    public int readSome() throws IOException {
        byte[] buffer = new byte[4096];
        int n = in.read(buffer);
        if (n < 0) {
            throw new ClientGone(null);
        }
        return n;
    }

    /** Bytes the client sent that can be read now without waiting. */
    public int available() throws IOException {
        return in.available();
    }

    /** Whether TLS is up on this connection. */
    public boolean isTls() {
        return socket instanceof SSLSocket;
    }

    /** Blocks until the client closes the connection (reads and discards). */
    public void awaitClientClose() throws IOException {
        try {
            socket.setSoTimeout(60_000); // a client that never closes is reported by awaitConnectionsEnded, not hung on forever
            while (in.read() >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // reset counts as closed
        }
    }

    /** Closes with an RST instead of a FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return bytes.length;
    }
}
