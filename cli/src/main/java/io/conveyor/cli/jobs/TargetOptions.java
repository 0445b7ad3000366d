package io.conveyor.cli.jobs;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a job command acts, as its command line says: a deployed stack, the sandbox (its env file), or
 * a local outbox (the job commands add {@code -o table|json}). Without any of them, {@link Targets} reads the environment, then the config file,
 * then takes {@code ./outbox}.
 */
public final class TargetOptions {

    @Option(names = "--stack", paramLabel = "NAME", description = "a deployed stack, found through CloudFormation")
    String stack;
    @Option(names = "--region", paramLabel = "REGION", description = "the stack's region (default: AWS_REGION)")
    String region;
    @Option(names = "--profile", paramLabel = "PROFILE", description = "the AWS CLI profile to use (default: AWS_PROFILE)")
    String profile;
    @Option(names = "--env-file", paramLabel = "FILE",
            description = "the sandbox's env file (conveyor sandbox --env-file): its endpoint, region and stack")
    Path envFile;
    @Option(names = "--outbox", paramLabel = "DIR", description = "a local mode's outbox (default: ./outbox)")
    Path outbox;
}
