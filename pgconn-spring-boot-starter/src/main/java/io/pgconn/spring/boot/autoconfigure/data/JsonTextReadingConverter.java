package io.pgconn.spring.boot.autoconfigure.data;

import io.pgconn.codec.Json;
import org.jspecify.annotations.Nullable;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;
import org.springframework.data.convert.CustomConversions;

import java.util.Set;

/**
 * The text of a {@code json}/{@code jsonb} column into a property the application reads with its own
 * reading converter from pgconn's {@link Json} — the {@code @ReadingConverter Json → Address} an
 * application moved from r2dbc-postgresql keeps. pgconn-r2dbc answers {@code Row.get(name)} (what Spring
 * Data asks) with a {@code String} for {@code json}/{@code jsonb}, where r2dbc-postgresql answers its
 * {@code Json}; Spring's conversion does not chain the dialect's {@code String → Json} into the
 * application's {@code Json → Address}, so without this every read of such an entity failed with
 * "No converter found capable of converting from type [java.lang.String]" (NEW-USER-27 F1).
 *
 * <p>Applies only where nothing else would: to a target that a {@code String} is not already and for
 * which the converter's {@link CustomConversions} hold a reading converter from {@code Json} (Spring
 * Data's own test, {@code hasCustomReadTarget}); Spring's more specific {@code String → X} converters
 * ({@code Integer}, {@code UUID}, arrays, …) are found before this {@code String → Object} one. The text
 * becomes a {@code Json} and the application's converter takes it, as it takes r2dbc-postgresql's.
 * {@link JsonTextReadingRegistrar} adds it to each Spring Data R2DBC converter bean.
 */
final class JsonTextReadingConverter implements ConditionalGenericConverter {

    private static final TypeDescriptor JSON = TypeDescriptor.valueOf(Json.class);

    private final CustomConversions conversions;

    private final ConversionService conversionService;

    JsonTextReadingConverter(CustomConversions conversions, ConversionService conversionService) {
        this.conversions = conversions;
        this.conversionService = conversionService;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(new ConvertiblePair(String.class, Object.class));
    }

    @Override
    public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
        Class<?> target = targetType.getObjectType();
        return !target.isAssignableFrom(String.class) && conversions.hasCustomReadTarget(Json.class, target);
    }

    @Override
    public @Nullable Object convert(@Nullable Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        return source == null ? null : conversionService.convert(Json.of((String) source), JSON, targetType);
    }
}
