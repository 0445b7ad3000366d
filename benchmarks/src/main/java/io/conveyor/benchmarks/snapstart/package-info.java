/**
 * A CRaC implementation for {@link io.conveyor.benchmarks.ColdStart}'s children, in the shape {@code org.crac}
 * loads one ({@code -Dorg.crac.Core.Compat=io.conveyor.benchmarks.snapstart}): it keeps the resources a handler
 * registers with {@code org.crac.Core.getGlobalContext()} and runs them on {@link
 * io.conveyor.benchmarks.snapstart.Core#checkpointRestore()}, as a SnapStart snapshot and restore would. Without a
 * CRaC implementation {@code org.crac} drops every registration, so a harness that primes "the handler" would
 * measure an unprimed one.
 */
package io.conveyor.benchmarks.snapstart;
