package io.conveyor.benchmarks.snapstart;

/** A group of resources, itself a resource. */
public abstract class Context<R extends Resource> implements Resource {

    public abstract void register(R resource);
}
