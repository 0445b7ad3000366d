package io.conveyor.benchmarks.snapstart;

import java.util.ArrayList;
import java.util.List;

/**
 * The global context and the checkpoint: {@link #checkpointRestore()} runs every registered resource's
 * {@code beforeCheckpoint}, last registered first, then every {@code afterRestore}, first registered first (the
 * order CRaC gives the global context). Nothing is written to disk and the process goes on: the work after it
 * is what a restored snapshot has left to do.
 */
public final class Core {

    private static final List<Resource> REGISTERED = new ArrayList<>();

    private static final Context<Resource> GLOBAL = new Context<>() {
        @Override
        public void register(Resource resource) {
            synchronized (REGISTERED) {
                REGISTERED.add(resource);
            }
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            throw new UnsupportedOperationException("the global context is run by Core.checkpointRestore()");
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            throw new UnsupportedOperationException("the global context is run by Core.checkpointRestore()");
        }
    };

    private Core() {
    }

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    /** How many resources are registered. */
    public static int registered() {
        synchronized (REGISTERED) {
            return REGISTERED.size();
        }
    }

    public static void checkpointRestore() throws CheckpointException, RestoreException {
        List<Resource> resources;
        synchronized (REGISTERED) {
            resources = List.copyOf(REGISTERED);
        }
        for (Resource resource : resources.reversed()) {
            try {
                resource.beforeCheckpoint(GLOBAL);
            } catch (Exception e) {
                throw new CheckpointException(e);
            }
        }
        for (Resource resource : resources) {
            try {
                resource.afterRestore(GLOBAL);
            } catch (Exception e) {
                throw new RestoreException(e);
            }
        }
    }
}
