package io.conveyor.testing;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.RegistrationOutcome;
import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An algorithm registry in memory: descriptors registered from JSON, as the register function would.
 */
public final class InMemoryRegistry implements AlgorithmRegistry {
    public final Map<String, AlgorithmRecord> algorithms = new HashMap<>();
    /** An algorithm whose registry object cannot be read, or {@code null}. */
    public String broken;
    /** Each algorithm read ({@link #algorithm}), by name, in order. */
    public final java.util.List<String> reads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /** Registers a descriptor (JSON) as the active revision of its algorithm; returns its revision. */
    public String register(String json) {
        Descriptor d = new DescriptorValidator().validate("test.json", json.getBytes(StandardCharsets.UTF_8))
                .accepted().orElseThrow();
        algorithms.put(d.name(), new AlgorithmRecord(d.name(), AlgorithmRecord.Status.ACTIVE,
                "s3://conveyor-in/algorithms/" + d.name() + ".json", "dv1",
                Digests.sha256(json.getBytes(StandardCharsets.UTF_8)), "arn:td/" + d.name() + ":1",
                "2026-11-19T00:00:00Z", null, d));
        return algorithms.get(d.name()).sha256();
    }

    /** Registers a descriptor, then retires its algorithm. */
    public void retire(String name, String json) {
        register(json);
        AlgorithmRecord r = algorithms.get(name);
        algorithms.put(name, new AlgorithmRecord(name, AlgorithmRecord.Status.RETIRED, r.descriptor(),
                r.descriptorVersion(), r.sha256(), null, r.registeredAt(), "2026-11-20T00:00:00Z", r.definition()));
    }

    @Override
    public Optional<AlgorithmRecord> algorithm(String name) {
        reads.add(name);
        if (name.equals(broken)) {
            throw new IllegalStateException("registry object of " + name + " is not an AlgorithmRecord");
        }
        return Optional.ofNullable(algorithms.get(name));
    }

    @Override
    public void save(AlgorithmRecord record) {
        algorithms.put(record.name(), record);
    }

    @Override
    public Entry entry(String name) {
        Optional<AlgorithmRecord> record = algorithm(name);
        return new Entry(record, record.map(r -> Integer.toHexString(System.identityHashCode(r))).orElse(null));
    }

    @Override
    public boolean saveIfUnchanged(AlgorithmRecord record, Entry read) {
        if (!java.util.Objects.equals(entry(record.name()).version(), read.version())) {
            return false;
        }
        save(record);
        return true;
    }

    @Override
    public Optional<RegistrationOutcome> outcome(String descriptorKey) {
        return Optional.empty();
    }

    @Override
    public void save(String descriptorKey, RegistrationOutcome outcome) {
    }
}
