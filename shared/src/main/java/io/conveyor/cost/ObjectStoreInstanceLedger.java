package io.conveyor.cost;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.conveyor.json.Json;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance ledger as one small JSON object per instance under {@value #PREFIX} of the output bucket
 * (S3 on AWS): its type, purchase option and running spans. Each change is a conditional write of the
 * object as read (S3's {@code If-Match} / {@code If-None-Match}), tried again when another write came first;
 * a change already recorded (EventBridge delivers at least once) writes nothing.
 */
public final class ObjectStoreInstanceLedger implements InstanceLedger, InstanceLedger.Recorder {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreInstanceLedger.class);

    /** Where the ledger lies in the output bucket; the template's policies name the same prefix. */
    public static final String PREFIX = "fleet/instances/";
    /** How many instances a reading of the ledger lists at most. */
    static final int MAX_INSTANCES = 100_000;
    private static final int WRITE_TRIES = 5;
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-zA-Z]{1,64}");

    private final ObjectStore store;
    private final String bucket;

    public ObjectStoreInstanceLedger(ObjectStore store, String bucket) {
        this.store = Objects.requireNonNull(store, "store");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    /** One instance's entry: what it is and when it ran. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String instanceId, String instanceType, String purchaseOption, List<Span> spans) {
        Entry {
            spans = spans == null ? List.of() : List.copyOf(spans);
        }
    }

    /** One running span; {@code end} is {@code null} while it runs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Span(String start, String end) {
    }

    @Override
    public void running(String instanceId, String instanceType, String purchaseOption, Instant at) {
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(purchaseOption, "purchaseOption");
        change(instanceId, entry -> {
            Entry current = entry == null ? new Entry(instanceId, instanceType, purchaseOption, List.of()) : entry;
            Span last = current.spans().isEmpty() ? null : current.spans().get(current.spans().size() - 1);
            if (last != null && (last.end() == null || !Instant.parse(last.end()).isBefore(at))) {
                return null;  // running already, or this start is older news than the last stop
            }
            List<Span> spans = new ArrayList<>(current.spans());
            spans.add(new Span(at.toString(), null));
            return new Entry(instanceId, instanceType, purchaseOption, spans);
        });
    }

    @Override
    public void left(String instanceId, Instant at) {
        change(instanceId, entry -> {
            if (entry == null || entry.spans().isEmpty()) {
                return null;  // never seen running: not the stack's, or its start was never recorded
            }
            Span last = entry.spans().get(entry.spans().size() - 1);
            if (last.end() != null || Instant.parse(last.start()).isAfter(at)) {
                return null;
            }
            List<Span> spans = new ArrayList<>(entry.spans());
            spans.set(spans.size() - 1, new Span(last.start(), at.toString()));
            return new Entry(entry.instanceId(), entry.instanceType(), entry.purchaseOption(), spans);
        });
    }

    @Override
    public List<InstanceSpan> spans(Instant since) {
        List<InstanceSpan> spans = new ArrayList<>();
        for (StoredObject object : store.list(bucket, PREFIX, MAX_INSTANCES)) {
            Optional<ObjectStore.Tagged> read = store.readTagged(object.ref());
            if (read.isEmpty()) {
                continue;
            }
            Entry entry = parse(object.ref(), read.get().content());
            for (Span span : entry.spans()) {
                Instant end = span.end() == null ? null : Instant.parse(span.end());
                if (end == null || !end.isBefore(since)) {
                    spans.add(new InstanceSpan(entry.instanceId(), entry.instanceType(), entry.purchaseOption(),
                            Instant.parse(span.start()), end));
                }
            }
        }
        return List.copyOf(spans);
    }

    private void change(String instanceId, java.util.function.UnaryOperator<Entry> how) {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instanceId: not an EC2 instance id: '" + instanceId + "'");
        }
        ObjectRef ref = new ObjectRef(bucket, PREFIX + instanceId + ".json");
        for (int attempt = 1; attempt <= WRITE_TRIES; attempt++) {
            Optional<ObjectStore.Tagged> read = store.readTagged(ref);
            Entry next = how.apply(read.map(t -> parse(ref, t.content())).orElse(null));
            if (next == null) {
                return;
            }
            if (store.writeIfUnchanged(ref, json(next), "application/json", read.map(ObjectStore.Tagged::eTag)
                    .orElse(null))) {
                LOG.info("outcome=ledger-written instance={} spans={}", instanceId, next.spans().size());
                return;
            }
        }
        throw new IllegalStateException(ref + ": another writer came first " + WRITE_TRIES + " times");
    }

    private static Entry parse(ObjectRef ref, byte[] content) {
        try {
            Entry entry = Json.mapper().readValue(content, Entry.class);
            if (entry.instanceId() == null || entry.instanceType() == null || entry.purchaseOption() == null) {
                throw new IllegalArgumentException(ref + ": instanceId, instanceType and purchaseOption are required");
            }
            return entry;
        } catch (IOException e) {
            throw new IllegalArgumentException(ref + ": not a ledger entry: " + e.getMessage(), e);
        }
    }

    private static byte[] json(Entry entry) {
        try {
            return Json.mapper().writeValueAsString(entry).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
