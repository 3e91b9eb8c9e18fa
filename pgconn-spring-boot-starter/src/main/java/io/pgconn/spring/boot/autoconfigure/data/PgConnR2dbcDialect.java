package io.pgconn.spring.boot.autoconfigure.data;

import io.pgconn.codec.Json;
import io.pgconn.codec.PgVector;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.GenericConverter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.r2dbc.dialect.PostgresDialect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Spring Data R2DBC's {@link PostgresDialect} plus pgconn's value classes as simple types, so that an
 * entity property of type {@link PgVector} (a pgvector {@code vector} column) or {@link Json}
 * ({@code jsonb}) is written to the driver as itself — pgconn's codecs send it — and read back: the
 * driver reads {@code vector} as {@code float[]} and {@code jsonb} as {@code String} (what Spring Data
 * asks for, {@code Row.get(name)}), and this dialect's reading converters make them a {@code PgVector}
 * and a {@code Json}; Java enums go to the driver as themselves ({@link EnumAsItself}: enum array properties into
 * {@code enum[]} columns without a cast). Spring Data's own {@code PostgresDialect} lists r2dbc-postgresql's classes
 * ({@code io.r2dbc.postgresql.codec.Json}, ...) in the same way. {@link PgConnDialectProvider} hands
 * it out for pgconn's connection factories; an application that builds its own
 * {@code R2dbcCustomConversions} passes {@link #INSTANCE} (not {@code PostgresDialect.INSTANCE}).
 */
public class PgConnR2dbcDialect extends PostgresDialect {

    /** The dialect of pgconn's R2DBC connection factories. */
    public static final PgConnR2dbcDialect INSTANCE = new PgConnR2dbcDialect();

    @Override
    public Collection<? extends Class<?>> getSimpleTypes() {
        Set<Class<?>> types = new LinkedHashSet<>(super.getSimpleTypes());
        types.add(PgVector.class);
        types.add(Json.class);
        return types;
    }

    @Override
    public Collection<Object> getConverters() {
        List<Object> converters = new ArrayList<>(super.getConverters());
        converters.add(FloatsToPgVector.INSTANCE);
        converters.add(TextToJson.INSTANCE);
        converters.add(EnumAsItself.INSTANCE);
        return converters;
    }

    /**
     * Java enums written as themselves, not as their names: Spring Data would make an enum's {@code String} name of each
     * (a {@code List<Mood>} or {@code Mood[]} property as a {@code String[]}, a {@code text[]} that an {@code enum[]}
     * column refuses, 42804), while pgconn sends an enum no codec writes as its name untyped, and arrays of them as an
     * untyped text array, which an {@code enum[]} column, {@code = ANY(:moods)} and a {@code text[]} column take
     * without a cast (docs/codecs.md "Java enums as parameters"). A codec registered for the enum's class still writes
     * it; an application's own converter for an enum comes first (user converters precede the dialect's). What
     * r2dbc-postgresql users do per enum with {@code EnumWriteSupport}, for every enum.
     */
    @WritingConverter
    enum EnumAsItself implements GenericConverter {
        INSTANCE;

        @Override
        public Set<ConvertiblePair> getConvertibleTypes() {
            return Set.of(new ConvertiblePair(Enum.class, Enum.class));
        }

        @Override
        public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
            return source;
        }
    }

    /** A {@code vector} column, read as {@code float[]}, into a {@code PgVector} property. */
    @ReadingConverter
    enum FloatsToPgVector implements Converter<float[], PgVector> {
        INSTANCE;

        @Override
        public PgVector convert(float[] source) {
            return PgVector.of(source);
        }
    }

    /** A {@code json}/{@code jsonb} column, read as {@code String}, into a {@code Json} property. */
    @ReadingConverter
    enum TextToJson implements Converter<String, Json> {
        INSTANCE;

        @Override
        public Json convert(String source) {
            return Json.of(source);
        }
    }
}
