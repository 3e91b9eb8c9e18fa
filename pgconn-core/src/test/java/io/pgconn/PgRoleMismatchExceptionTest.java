package io.pgconn;

import io.pgconn.config.TargetSessionAttrs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public role-mismatch exception: its data, its message, its arguments checked, serializable (REVIEW-12 L4). */
class PgRoleMismatchExceptionTest {

    @Test
    void itsRoleAndTargetAreDataAndTheMessageNamesHostRoleAndTarget() throws Exception {
        PgRoleMismatchException e = new PgRoleMismatchException("db1:5432", ServerRole.STANDBY, TargetSessionAttrs.PRIMARY);
        assertThat(e.role()).isEqualTo(ServerRole.STANDBY);
        assertThat(e.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PRIMARY);
        assertThat(e.host()).isEqualTo("db1:5432");
        assertThat(e.getMessage()).contains("db1:5432", ServerRole.STANDBY.label(), "target_session_attrs=primary");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            PgRoleMismatchException read = (PgRoleMismatchException) in.readObject();
            assertThat(read.role()).isEqualTo(ServerRole.STANDBY);
            assertThat(read.targetSessionAttrs()).isEqualTo(TargetSessionAttrs.PRIMARY);
            assertThat(read.getMessage()).isEqualTo(e.getMessage());
        }
    }

    @Test
    void aMissingRoleOrTargetIsNamed() {
        assertThatThrownBy(() -> new PgRoleMismatchException("db1:5432", null, TargetSessionAttrs.PRIMARY))
                .isInstanceOf(NullPointerException.class).hasMessage("role");
        assertThatThrownBy(() -> new PgRoleMismatchException("db1:5432", ServerRole.STANDBY, null))
                .isInstanceOf(NullPointerException.class).hasMessage("targetSessionAttrs");
    }
}
