package io.pgconn.codec;

import io.netty.buffer.ByteBuf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code inet} and {@code cidr} in {@code inet_send}'s form: family (2 for IPv4, 3 for IPv6), prefix
 * bits, an is-cidr flag, the address length (4 or 16), the address. No name lookup ever happens.
 *
 * <p>{@code inet} reads as {@link InetAddress} when its prefix is the whole address (the usual host
 * address) and as {@link Cidr} otherwise, so a netmask is never dropped silently; asked for
 * {@code InetAddress} it gives the address without the netmask. {@code cidr} reads as {@link Cidr}.
 * IPv4-mapped IPv6 addresses stay {@link Inet6Address}es. {@code InetAddress} parameters are
 * {@code inet}, {@code Cidr} parameters {@code cidr}.
 */
final class InetCodec extends BaseCodec<Object> {

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 3;

    private final boolean cidr;

    private InetCodec(PgType type, Class<?> javaType) {
        super(type, javaType, Format.BINARY, false, InetAddress.class, Cidr.class);
        this.cidr = type.equals(PgType.CIDR);
    }

    static InetCodec inet() {
        return new InetCodec(PgType.INET, InetAddress.class);
    }

    static InetCodec cidr() {
        return new InetCodec(PgType.CIDR, Cidr.class);
    }

    @Override
    public boolean encodes(Class<?> valueClass) {
        return InetAddress.class.isAssignableFrom(valueClass) || valueClass == Cidr.class;
    }

    @Override
    public void encode(Object value, ByteBuf out) {
        InetAddress address;
        int bits;
        if (value instanceof Cidr c) {
            if (cidr && !c.isNetwork()) {
                throw cannotWrite(value, "a cidr value must have no bits set right of its prefix (type it as inet)");
            }
            address = c.address();
            bits = c.prefixLength();
        } else {
            address = (InetAddress) value;
            bits = address instanceof Inet4Address ? 32 : 128;
        }
        byte[] bytes = address.getAddress();
        out.writeByte(bytes.length == 4 ? AF_INET : AF_INET6);
        out.writeByte(bits);
        out.writeByte(cidr ? 1 : 0);
        out.writeByte(bytes.length);
        out.writeBytes(bytes);
    }

    @Override
    Object decodeBinary(ByteBuf value, Class<?> target) {
        if (value.readableBytes() < 4) {
            throw malformed("header needs 4 bytes, got " + value.readableBytes());
        }
        int at = value.readerIndex();
        int family = value.getUnsignedByte(at);
        int bits = value.getUnsignedByte(at + 1);
        int length = value.getUnsignedByte(at + 3);
        int expected;
        if (family == AF_INET) {
            expected = 4;
        } else if (family == AF_INET6) {
            expected = 16;
        } else {
            throw malformed("invalid address family " + family);
        }
        if (length != expected) {
            throw malformed("address length " + length + " for family " + family);
        }
        if (bits > expected * 8) {
            throw malformed("prefix of " + bits + " bits");
        }
        expectLength(value, 4 + length);
        byte[] bytes = new byte[length];
        value.getBytes(at + 4, bytes);
        InetAddress address;
        try {
            address = length == 4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, null);
        } catch (UnknownHostException e) {
            throw malformed("invalid address");
        }
        Cidr network = new Cidr(address, bits);
        if (cidr && !network.isNetwork()) {
            throw malformed("cidr with bits set right of its prefix");
        }
        if (target == InetAddress.class) {
            return address;
        }
        if (target == Cidr.class || cidr || bits != expected * 8) {
            return network;
        }
        return address;
    }
}
