package io.pgconn.codec;

import io.pgconn.PgProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The date cache behind date and timestamp reads (LocalDates) gives exactly the date java.time
 * computes, inside its window, at both edges and outside it, wherever the window lies (leap days,
 * year 0 and BC, the far future); and the reads from a row's array give the values and errors
 * the codecs document (infinity, out of range).
 */
class LocalDatesTest {

    private static final CodecRegistry REGISTRY = CodecRegistry.defaults();

    @Test
    void everyDayInAndAroundTheWindowIsJavaTimesDate() {
        for (LocalDate today : new LocalDate[] {LocalDate.of(2026, 12, 3), LocalDate.of(2024, 2, 29), LocalDate.of(2000, 1, 1),
                LocalDate.of(-1, 3, 1), LocalDate.of(-4712, 1, 1), LocalDate.of(5874897, 12, 31)}) {
            LocalDates cache = new LocalDates(today);
            long first = cache.firstDay();
            for (long day = first - 3; day < first + LocalDates.WINDOW + 3; day++) {
                LocalDate expected = LocalDate.ofEpochDay(day + PgEpoch.EPOCH_DAY);
                assertThat(cache.date(day)).as("day %d of a window around %s", day, today).isEqualTo(expected);
                assertThat(cache.date(day)).as("read again").isEqualTo(expected);
            }
            long todayNumber = today.toEpochDay() - PgEpoch.EPOCH_DAY;
            assertThat(todayNumber).as("today lies in the window").isBetween(first, first + LocalDates.WINDOW - 1);
        }
    }

    @Test
    void aDayInTheWindowIsOneSharedInstanceAndOneOutsideIsComputed() {
        LocalDates cache = new LocalDates(LocalDate.of(2026, 12, 3));
        long leapDay = LocalDate.of(2024, 2, 29).toEpochDay() - PgEpoch.EPOCH_DAY;
        assertThat(cache.date(leapDay)).isEqualTo(LocalDate.of(2024, 2, 29)).isSameAs(cache.date(leapDay));
        long before = cache.firstDay() - 1;
        assertThat(cache.date(before)).isEqualTo(LocalDate.ofEpochDay(before + PgEpoch.EPOCH_DAY)).isNotSameAs(cache.date(before));
    }

    @Test
    void datesReadFromARowsArray() {
        Decoder date = REGISTRY.decoder(Oids.DATE, Format.BINARY, Object.class);
        assertThat(date.readsArrays()).isTrue();
        assertThat(Buffers.decodeArray(date, int32(Integer.MAX_VALUE))).isEqualTo(LocalDate.MAX);
        assertThat(Buffers.decodeArray(date, int32(Integer.MIN_VALUE))).isEqualTo(LocalDate.MIN);
        for (LocalDate d : new LocalDate[] {LocalDate.now(ZoneOffset.UTC), LocalDate.of(2024, 2, 29), LocalDate.of(1900, 2, 28),
                LocalDate.of(1900, 3, 1), LocalDate.of(0, 12, 31), LocalDate.of(-4712, 1, 1), LocalDate.of(5874897, 12, 31)}) {
            assertThat(Buffers.decodeArray(date, int32((int) (d.toEpochDay() - PgEpoch.EPOCH_DAY)))).as("%s", d).isEqualTo(d);
        }
        assertThatThrownBy(() -> Buffers.decodeArray(date, int32(PgEpoch.END_DATE))).isInstanceOf(PgProtocolException.class)
                .hasMessageContaining("date").hasMessageContaining("out of range");
        assertThatThrownBy(() -> Buffers.decodeArray(date, int32(PgEpoch.MIN_DATE - 1))).isInstanceOf(PgProtocolException.class);
        assertThatThrownBy(() -> Buffers.decodeArray(date, new byte[3])).isInstanceOf(PgProtocolException.class)
                .hasMessageContaining("expected 4 bytes, got 3");
    }

    @Test
    void timestampsReadFromARowsArray() {
        Decoder tz = REGISTRY.decoder(Oids.TIMESTAMPTZ, Format.BINARY, OffsetDateTime.class);
        Decoder instant = REGISTRY.decoder(Oids.TIMESTAMPTZ, Format.BINARY, Instant.class);
        Decoder local = REGISTRY.decoder(Oids.TIMESTAMP, Format.BINARY, LocalDateTime.class);
        assertThat(Buffers.decodeArray(tz, int64(Long.MAX_VALUE))).isEqualTo(OffsetDateTime.MAX);
        assertThat(Buffers.decodeArray(tz, int64(Long.MIN_VALUE))).isEqualTo(OffsetDateTime.MIN);
        assertThat(Buffers.decodeArray(local, int64(Long.MAX_VALUE))).isEqualTo(LocalDateTime.MAX);
        long[] micros = {0, -1, 1, PgEpoch.MIN_TIMESTAMP, PgEpoch.END_TIMESTAMP - 1, // 4714-11-24 BC, 294276-12-31 23:59:59.999999
                (LocalDate.now(ZoneOffset.UTC).toEpochDay() - PgEpoch.EPOCH_DAY) * PgEpoch.MICROS_PER_DAY - 1, // just before today
                (LocalDate.of(2024, 2, 29).toEpochDay() - PgEpoch.EPOCH_DAY) * PgEpoch.MICROS_PER_DAY + PgEpoch.MICROS_PER_DAY - 1};
        for (long m : micros) {
            LocalDateTime expected = Values.dateTime(m);
            assertThat(Buffers.decodeArray(local, int64(m))).as("%d", m).isEqualTo(expected);
            assertThat(Buffers.decodeArray(tz, int64(m))).as("%d", m).isEqualTo(expected.atOffset(ZoneOffset.UTC));
            assertThat(Buffers.decodeArray(instant, int64(m))).as("%d", m).isEqualTo(expected.toInstant(ZoneOffset.UTC));
        }
        assertThatThrownBy(() -> Buffers.decodeArray(tz, int64(PgEpoch.END_TIMESTAMP))).isInstanceOf(PgProtocolException.class);
    }

    @Test
    void aRangeOutsideTheArrayIsRefused() {
        Decoder date = REGISTRY.decoder(Oids.DATE, Format.BINARY, Object.class);
        assertThatThrownBy(() -> date.decode(new byte[6], 4, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] int64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }
}
