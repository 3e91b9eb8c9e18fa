package org.springframework.boot.docker.compose.service.connection;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.mock.env.MockEnvironment;

/**
 * Makes the source Boot hands connection details factories, whose constructor is package-private:
 * the factory is then tested on a {@code RunningService} of the test's making, without Docker.
 */
public final class DockerComposeConnectionSources {

    private DockerComposeConnectionSources() {
    }

    public static DockerComposeConnectionSource of(RunningService service) {
        return new DockerComposeConnectionSource(service, new MockEnvironment());
    }
}
