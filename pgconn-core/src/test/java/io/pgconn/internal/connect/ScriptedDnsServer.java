package io.pgconn.internal.connect;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.pgconn.Transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A DNS server on UDP loopback that answers as the test scripts it: a name's A record (one IPv4 address, with the TTL
 * the test gives), SERVFAIL, or NXDOMAIN for a name it was told nothing about; no AAAA record. The test repoints a
 * name as an operator does at a switchover ({@link #answer}), and reads which questions were asked ({@link #asked}).
 * Built from Netty's DNS codec ({@code DatagramDnsQueryDecoder}, {@code DatagramDnsResponseEncoder}); its own
 * one-thread loop, ended by {@link #close()}.
 */
final class ScriptedDnsServer implements AutoCloseable {

    private record Answer(byte[] address, int ttlSeconds, DnsResponseCode code) {
    }

    private final EventLoopGroup loop = Transport.NIO.newEventLoopGroup("scripted-dns", 1);
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final Channel channel;

    ScriptedDnsServer() throws InterruptedException {
        this.channel = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answering());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** Where the resolver under test asks. */
    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** From now on {@code name}'s A record is {@code ipv4} (e.g. "127.0.0.2"), kept {@code ttlSeconds} by a client. */
    void answer(String name, String ipv4, int ttlSeconds) {
        try {
            answers.put(key(name), new Answer(InetAddress.getByName(ipv4).getAddress(), ttlSeconds, DnsResponseCode.NOERROR));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(ipv4, e);
        }
    }

    /** From now on questions about {@code name} get {@code code} (e.g. SERVFAIL) and no record. */
    void fail(String name, DnsResponseCode code) {
        answers.put(key(name), new Answer(null, 0, code));
    }

    /** The questions asked so far, as "A pg-rw.test" / "AAAA pg-rw.test". */
    List<String> asked() {
        return List.copyOf(asked);
    }

    /** How many A questions about {@code name} were asked so far. */
    long askedForA(String name) {
        return asked.stream().filter(("A " + key(name))::equals).count();
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private final class Answering extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String name = key(question.name());
            asked.add(question.type().name() + " " + name);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setRecursionAvailable(true);
            response.addRecord(DnsSection.QUESTION, new io.netty.handler.codec.dns.DefaultDnsQuestion(question.name(), question.type()));
            Answer answer = answers.get(name);
            if (answer == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else if (answer.address() == null) {
                response.setCode(answer.code());
            } else if (question.type().equals(DnsRecordType.A)) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A, answer.ttlSeconds(),
                        Unpooled.wrappedBuffer(answer.address())));
            }
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }
}
