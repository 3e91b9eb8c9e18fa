package io.pgconn.r2dbc;

import io.r2dbc.spi.Type;

/**
 * A column type {@link PgType} does not list (arrays, {@code interval}, {@code inet}, enums, extension and user
 * types), named and read as the connection's codecs do: {@code Row.get(i)} gives a {@link #javaType}.
 */
record CodecType(String name, Class<?> javaType) implements Type {

    @Override
    public Class<?> getJavaType() {
        return javaType;
    }

    @Override
    public String getName() {
        return name;
    }
}
