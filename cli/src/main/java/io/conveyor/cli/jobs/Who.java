package io.conveyor.cli.jobs;

import io.conveyor.config.Environment;

/** Who asks, as records and stop reasons name them: the user (and, on AWS, the profile's name is theirs). */
final class Who {

    private Who() {
    }

    static String am(Environment environment) {
        return environment.optional("CONVEYOR_USER").or(() -> environment.optional("USER"))
                .orElse(System.getProperty("user.name", "someone"));
    }
}
