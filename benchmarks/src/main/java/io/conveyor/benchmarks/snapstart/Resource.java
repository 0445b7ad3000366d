package io.conveyor.benchmarks.snapstart;

/** What {@code org.crac} proxies a registered resource as. */
public interface Resource {

    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
