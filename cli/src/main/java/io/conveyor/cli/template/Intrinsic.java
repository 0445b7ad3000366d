package io.conveyor.cli.template;

/**
 * A CloudFormation intrinsic function in a template ({@code !Ref X}, {@code !GetAtt A.B},
 * {@code Fn::Sub: ...}), kept as written: only CloudFormation can resolve most of them.
 *
 * @param function the function's name without prefix, e.g. {@code Ref}, {@code GetAtt}, {@code Sub}
 * @param argument its argument as parsed (a string, a list or a map)
 */
public record Intrinsic(String function, Object argument) {
}
