package io.conveyor.cli.sandbox;

import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * On the handlers' clients: a call that starts or stops a task wakes the agent, one that launches,
 * starts, stops or terminates an instance wakes the fleet, so that they act on it at once rather than
 * at their next look (which comes anyway, for calls made elsewhere, such as a person's AWS CLI).
 */
final class SandboxWakeups implements ExecutionInterceptor {

    private static final Set<String> TASK_CALLS = Set.of("StartTask", "RunTask", "StopTask");
    private static final Set<String> INSTANCE_CALLS = Set.of("RunInstances", "StartInstances", "StopInstances",
            "TerminateInstances");

    private final Runnable agent;
    private final Runnable fleet;

    SandboxWakeups(Runnable agent, Runnable fleet) {
        this.agent = agent;
        this.fleet = fleet;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (TASK_CALLS.contains(operation)) {
            agent.run();
        } else if (INSTANCE_CALLS.contains(operation)) {
            fleet.run();
        }
    }
}
