package io.conveyor.cli.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For every resource type a template may hold: made by {@link StackBuilder}, or not needed in the
 * sandbox, and why. A type that is neither stops the sandbox before it makes anything, and fails a test,
 * naming the type: the template gained something the sandbox would silently lack.
 */
public final class ResourceCoverage {

    /** How the sandbox covers a type. */
    public sealed interface Coverage {

        /** Made on the emulator (or, for a function, bound to its event sources) by {@link StackBuilder}. */
        record Made() implements Coverage {
        }

        /** Not made; {@code reason} says why the sandbox does not need it. */
        record NotNeeded(String reason) implements Coverage {
        }
    }

    private static final String IAM = "the emulator does not enforce IAM, and the sandbox's handlers call it with its dummy "
            + "credentials; what names a role or an instance profile gets the name and ARN CloudFormation would give it, "
            + "as plain strings (an instance profile's ARN in the launch template, role ARNs in task definitions)";

    private static final String NO_ALARMS = "moto never evaluates an alarm nor runs its actions, and the SDK's CloudWatch "
            + "client speaks CBOR, which moto does not read: the sandbox evaluates only fleet-monitor's idle alarms itself "
            + "(SandboxAlarms); the stack's alarms on dead letters, functions, failing jobs and capacity would never fire there";
    private static final String ALARMS_ONLY = "only the stack's alarms notify it, and the sandbox does not make them "
            + "(see AWS::CloudWatch::Alarm)";

    private static final Map<String, String> NOT_NEEDED = notNeeded();

    private ResourceCoverage() {
    }

    private static Map<String, String> notNeeded() {
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("AWS::IAM::Role", IAM);
        reasons.put("AWS::IAM::InstanceProfile", IAM);
        reasons.put("AWS::IAM::Policy", IAM);
        reasons.put("AWS::IAM::ManagedPolicy", IAM);
        reasons.put("Custom::ConveyorTeardown", "its function runs only when CloudFormation deletes the stack, and nothing deletes "
                + "the sandbox's stack; the sandbox runs the teardown handler against the emulator by hand");
        reasons.put("AWS::S3::BucketPolicy", "the template's bucket policies only deny requests without TLS "
                + "(aws:SecureTransport false); moto enforces bucket policies and the sandbox talks plain HTTP to it, so as "
                + "declared they would deny every call (StackBuilder refuses a bucket policy that does anything else)");
        reasons.put("AWS::CloudWatch::Alarm", NO_ALARMS);
        reasons.put("AWS::SNS::Topic", ALARMS_ONLY + "; its ARN is told as CloudFormation would give it");
        reasons.put("AWS::SNS::TopicPolicy", ALARMS_ONLY);
        reasons.put("AWS::SNS::Subscription", ALARMS_ONLY);
        reasons.put("AWS::KMS::Key", "it only encrypts the alarm topic, which the sandbox does not make (see AWS::SNS::Topic)");
        reasons.put("AWS::CloudWatch::Dashboard", "a page of graphs in the AWS console, and the sandbox has no console: the "
                + "handlers' metrics stay as Embedded Metric Format lines in their log groups; its name is told as "
                + "CloudFormation would give it");
        return Map.copyOf(reasons);
    }

    /** How the sandbox covers {@code type}, or empty when it does not. */
    public static Optional<Coverage> of(String type) {
        if (StackBuilder.makes(type)) {
            return Optional.of(new Coverage.Made());
        }
        return Optional.ofNullable(NOT_NEEDED.get(type)).map(Coverage.NotNeeded::new);
    }

    /** Each type of the template with its coverage; a type the sandbox does not cover is absent. */
    public static Map<String, Coverage> of(StackTemplate template) {
        Map<String, Coverage> covered = new LinkedHashMap<>();
        template.types().keySet().forEach(type -> of(type).ifPresent(coverage -> covered.put(type, coverage)));
        return covered;
    }

    /**
     * @throws IllegalArgumentException naming each type the sandbox neither makes nor lists as not needed,
     *         with the resources of that type
     */
    public static void requireCovered(StackTemplate template) {
        Map<String, List<String>> uncovered = new LinkedHashMap<>();
        template.types().forEach((type, ids) -> {
            if (of(type).isEmpty()) {
                uncovered.put(type, ids);
            }
        });
        if (!uncovered.isEmpty()) {
            throw new IllegalArgumentException("the sandbox neither makes nor lists as not needed these resource types of the "
                    + "template: " + uncovered + "; make them in StackBuilder, or say why they are not needed in ResourceCoverage");
        }
    }
}
