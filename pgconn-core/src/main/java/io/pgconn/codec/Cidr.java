package io.pgconn.codec;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IP address with a prefix length: a {@code cidr} network ({@code 10.1.0.0/16}), or an {@code inet}
 * host address with a netmask ({@code 10.1.2.3/16}). As a parameter it is sent as {@code cidr}, whose
 * address must have no bits set right of the prefix; typed as {@code inet} it may.
 */
public record Cidr(InetAddress address, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(address, "address");
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length must be 0 to " + max + " for this address family, got " + prefixLength);
        }
    }

    /** The number of bits in the address: 32 for IPv4, 128 for IPv6. */
    public int addressBits() {
        return address instanceof Inet4Address ? 32 : 128;
    }

    /** Whether no bit right of the prefix is set (what {@code cidr} requires). */
    public boolean isNetwork() {
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
