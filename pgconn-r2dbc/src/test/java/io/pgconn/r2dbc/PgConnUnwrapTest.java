package io.pgconn.r2dbc;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link PgConnUnwrap} says when there is no pgconn connection under the wrappers (no server needed). */
class PgConnUnwrapTest {

    @Test
    void aConnectionOfAnotherDriverIsRefusedNamingEachWrapperItWentThrough() {
        Connection other = wrapper(null);
        Connection outer = wrapper(other);
        assertThatThrownBy(() -> PgConnUnwrap.pgConnection(outer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a pgconn R2DBC connection: " + outer.getClass().getName()
                        + " -> " + other.getClass().getName() + " wraps no pgconn connection")
                .hasMessageContaining("io.r2dbc.spi.Wrapped");
    }

    @Test
    void aWrapperThatUnwrapsToItselfEndsTheWalk() {
        Connection[] self = new Connection[1];
        self[0] = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class, Wrapped.class},
                (proxy, method, args) -> method.getName().equals("unwrap") ? self[0] : null);
        assertThatThrownBy(() -> PgConnUnwrap.pgConnection(self[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a pgconn R2DBC connection: " + self[0].getClass().getName() + " wraps no");
        assertThat(PgConnUnwrap.driverFactory(self[0])).isEmpty();
    }

    @Test
    void aFactoryThatIsNotPgconnsIsNotFound() {
        assertThat(PgConnUnwrap.driverFactory("not a factory")).isEmpty();
        assertThat(PgConnUnwrap.driverFactory(null)).isEmpty();
    }

    /** A connection that is {@link Wrapped} around {@code inner} (null: around nothing) and does nothing else. */
    private static Connection wrapper(Object inner) {
        return (Connection) Proxy.newProxyInstance(PgConnUnwrapTest.class.getClassLoader(),
                new Class<?>[] {Connection.class, Wrapped.class},
                (proxy, method, args) -> method.getName().equals("unwrap") ? inner : null);
    }
}
