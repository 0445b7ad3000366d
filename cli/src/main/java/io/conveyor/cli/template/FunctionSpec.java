package io.conveyor.cli.template;

import java.util.Map;

/**
 * One {@code AWS::Serverless::Function} of the template, with the Globals applied.
 *
 * @param logicalId   the resource's logical id, e.g. {@code DispatchFunction}
 * @param handler     {@code class::method}
 * @param codeUri     the function's source folder, relative to the template
 * @param environment its environment variables, Globals first; values are strings or {@link Intrinsic}s
 * @param timeoutSeconds its timeout
 * @param memoryMiB   its memory
 */
public record FunctionSpec(String logicalId, String handler, String codeUri, Map<String, Object> environment,
                           int timeoutSeconds, int memoryMiB) {

    public FunctionSpec {
        environment = Map.copyOf(environment);
    }

    /** The handler's class name (the part before {@code ::}). */
    public String handlerClass() {
        return handlerClass(handler);
    }

    /** The class of a {@code Handler} property ({@code class::method}, or a class alone). */
    public static String handlerClass(String handler) {
        int separator = handler.indexOf("::");
        return separator < 0 ? handler : handler.substring(0, separator);
    }

    /**
     * The short name: the logical id without its {@code Function} suffix, in kebab case
     * ({@code RegisterAlgorithmFunction} → {@code register-algorithm}).
     */
    public String shortName() {
        String base = logicalId.endsWith("Function") ? logicalId.substring(0, logicalId.length() - "Function".length())
                : logicalId;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
