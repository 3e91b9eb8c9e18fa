package io.pgconn.internal.transport;

import io.netty.util.NetUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * How a message names the address dialled for a host, as libpq does ({@code connection to server at "db" (10.0.0.1),
 * port 5432 failed}): {@code " (10.0.0.1)"} after the host's label when the host was a name (or {@code hostaddr} gave
 * another address), nothing when the label is that address already, nor for a Unix socket, whose label is its path.
 * It said the JDK's {@code InetSocketAddress} text, {@code (127.0.0.1/127.0.0.1:5432)}, and a timeout did not say
 * which of a name's addresses had been dialled (PARITY-19).
 */
public final class DialledAddressText {

    private DialledAddressText() {
    }

    /**
     * @param hostLabel the host's label ({@code host:port}, {@code [::1]:port})
     * @param address   the address dialled
     * @return {@code " (address)"}, or {@code ""}
     */
    public static String after(String hostLabel, SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return "";
        }
        String ip = NetUtil.toAddressString(inet.getAddress());
        String asLabelled = ip.indexOf(':') >= 0 ? "[" + ip + "]:" : ip + ":";
        return hostLabel.startsWith(asLabelled) ? "" : " (" + ip + ")";
    }
}
