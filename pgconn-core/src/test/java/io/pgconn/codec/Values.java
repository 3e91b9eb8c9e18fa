package io.pgconn.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Generators of values every built-in codec must write and read back unchanged, edge values included
 * (infinities, NaN, BC dates, 24:00, the ends of each range, empty and non-BMP text).
 */
final class Values {

    private Values() {
    }

    static Arbitrary<Float> floats() {
        return Arbitraries.oneOf(Arbitraries.floats(),
                Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE),
                Arbitraries.integers().map(Float::intBitsToFloat));
    }

    static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE),
                Arbitraries.longs().map(Double::longBitsToDouble));
    }

    /** Decimals with a non-negative scale (numeric has no negative display scale), up to ~120 digits. */
    static Arbitrary<BigDecimal> decimals() {
        Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(
                Arbitraries.bigIntegers().between(BigInteger.valueOf(-1_000_000), BigInteger.valueOf(1_000_000)),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(120).map(BigInteger::new),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(120).map(s -> new BigInteger(s).negate()));
        return Combinators.combine(unscaled, Arbitraries.integers().between(0, 60)).as(BigDecimal::new);
    }

    /** Any Unicode text without U+0000 and without lone surrogates, often empty or short. */
    static Arbitrary<String> texts() {
        Arbitrary<Integer> codePoint = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 0x7F),
                Arbitraries.integers().between(0x80, 0xD7FF),
                Arbitraries.integers().between(0xE000, 0x10FFFF));
        return codePoint.list().ofMaxSize(40).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    static Arbitrary<UUID> uuids() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
    }

    static Arbitrary<LocalDate> dates() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(PgEpoch.MIN_DATE, PgEpoch.END_DATE - 1)
                        .map(d -> LocalDate.ofEpochDay(d + PgEpoch.EPOCH_DAY)),
                // the days around today, which come from the date cache (LocalDates), and its edges
                Arbitraries.integers().between(-LocalDates.WINDOW, LocalDates.WINDOW)
                        .map(d -> LocalDate.now(ZoneOffset.UTC).plusDays(d)),
                Arbitraries.of(LocalDate.MAX, LocalDate.MIN, LocalDate.of(2000, 2, 29), LocalDate.of(-4712, 1, 1),
                        LocalDate.of(0, 12, 31), LocalDate.of(1, 1, 1), LocalDate.of(5874897, 12, 31)));
    }

    static Arbitrary<LocalTime> times() {
        return Arbitraries.longs().between(0, PgEpoch.MICROS_PER_DAY).map(TimeCodec::time);
    }

    static Arbitrary<OffsetTime> timetzs() {
        return Combinators.combine(times(), Arbitraries.integers().between(-57_599, 57_599))
                .as((t, offset) -> OffsetTime.of(t, ZoneOffset.ofTotalSeconds(offset)));
    }

    static Arbitrary<LocalDateTime> timestamps() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(PgEpoch.MIN_TIMESTAMP, PgEpoch.END_TIMESTAMP - 1).map(Values::dateTime),
                // within the date cache's window around today
                Arbitraries.longs().between(-LocalDates.WINDOW * PgEpoch.MICROS_PER_DAY, LocalDates.WINDOW * PgEpoch.MICROS_PER_DAY)
                        .map(m -> dateTime(m + (LocalDate.now(ZoneOffset.UTC).toEpochDay() - PgEpoch.EPOCH_DAY) * PgEpoch.MICROS_PER_DAY)),
                Arbitraries.of(LocalDateTime.MAX, LocalDateTime.MIN, LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000),
                        LocalDateTime.of(-4713, 11, 24, 0, 0)));
    }

    /** A timestamp's UTC date-time computed by java.time alone (not by the codec under test). */
    static LocalDateTime dateTime(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L) + PgEpoch.EPOCH_SECOND,
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }

    static Arbitrary<OffsetDateTime> timestamptzs() {
        return timestamps().map(t -> t.equals(LocalDateTime.MAX) ? OffsetDateTime.MAX
                : t.equals(LocalDateTime.MIN) ? OffsetDateTime.MIN : t.atOffset(ZoneOffset.UTC));
    }

    static Arbitrary<Instant> instants() {
        return timestamps().map(t -> t.equals(LocalDateTime.MAX) ? Instant.MAX
                : t.equals(LocalDateTime.MIN) ? Instant.MIN : t.toInstant(ZoneOffset.UTC));
    }

    static Arbitrary<PgInterval> intervals() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), Arbitraries.longs()).as(PgInterval::new),
                Arbitraries.of(PgInterval.ZERO, PgInterval.POSITIVE_INFINITY, PgInterval.NEGATIVE_INFINITY));
    }

    static Arbitrary<Json> jsons() {
        return texts().map(s -> Json.of("{\"k\": \"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}"));
    }

    static Arbitrary<InetAddress> inetAddresses() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofSize(4).map(Values::address),
                Arbitraries.bytes().array(byte[].class).ofSize(16).map(Values::address6));
    }

    /** Networks: an address with the bits right of a random prefix cleared. */
    static Arbitrary<Cidr> networks() {
        return Combinators.combine(inetAddresses(), Arbitraries.integers().between(0, 128)).as((address, p) -> {
            byte[] bytes = address.getAddress();
            int prefix = p % (bytes.length * 8 + 1);
            for (int bit = prefix; bit < bytes.length * 8; bit++) {
                bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            return new Cidr(bytes.length == 4 ? address(bytes) : address6(bytes), prefix);
        });
    }

    static Arbitrary<float[]> vectors() {
        return Arbitraries.floats().between(-1e30f, 1e30f).array(float[].class).ofMinSize(1).ofMaxSize(50);
    }

    static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetAddress address6(byte[] bytes) {
        try {
            return Inet6Address.getByAddress(null, bytes, null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
