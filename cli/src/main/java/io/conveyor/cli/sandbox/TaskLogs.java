package io.conveyor.cli.sandbox;

import io.conveyor.registration.TaskDefinitionWrapper;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;

/**
 * A container's output sent to CloudWatch Logs the way the {@code awslogs} driver of its task
 * definition would: group {@code awslogs-group}, stream {@code <awslogs-stream-prefix>/<container>/<task id>},
 * one event per line. Unlike the driver, it sends once the container has ended, standard output
 * first, then standard error (the sandbox keeps them in two files, so their interleaving is lost).
 * When the emulator refuses (no such group, no Logs service), that is said once and the output stays
 * in the task's log folder.
 */
final class TaskLogs {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLogs.class);
    /** PutLogEvents takes at most 10,000 events and 1,048,576 bytes (each event counting 26 more). */
    private static final int MAX_EVENTS = 10_000;
    private static final int MAX_BATCH_BYTES = 1_048_576;
    private static final int EVENT_OVERHEAD = 26;
    /** The longest event CloudWatch takes is 256 KiB; longer lines are cut. */
    private static final int MAX_EVENT_CHARS = 64 * 1024;

    private final CloudWatchLogsClient logs;
    private final Clock clock;
    private final AtomicBoolean refusalSaid = new AtomicBoolean();

    TaskLogs(CloudWatchLogsClient logs, Clock clock) {
        this.logs = Objects.requireNonNull(logs, "logs");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The stream the {@code awslogs} driver writes a container's output to (the name job records keep). */
    static String streamName(String prefix, String container, String taskId) {
        return TaskDefinitionWrapper.logStream(prefix, container, taskId);
    }

    /**
     * Sends a container's output, when its definition logs through {@code awslogs}.
     *
     * @return the stream written, or {@code null} when nothing was sent
     */
    String ship(LogConfiguration configuration, String container, String taskId, Path stdout, Path stderr) {
        if (configuration == null || !"awslogs".equals(configuration.logDriverAsString())) {
            return null;
        }
        Map<String, String> options = configuration.options();
        String group = options.get("awslogs-group");
        String prefix = options.get("awslogs-stream-prefix");
        if (group == null || prefix == null) {
            return null;
        }
        String stream = streamName(prefix, container, taskId);
        try {
            List<String> lines = new ArrayList<>(lines(stdout));
            lines.addAll(lines(stderr));
            try {
                logs.createLogStream(request -> request.logGroupName(group).logStreamName(stream));
            } catch (ResourceAlreadyExistsException e) {
                // a container run again in the same task: its stream goes on
            }
            long now = clock.millis();
            List<InputLogEvent> batch = new ArrayList<>();
            int bytes = 0;
            for (String line : lines) {
                String message = line.length() > MAX_EVENT_CHARS ? line.substring(0, MAX_EVENT_CHARS) : line;
                int size = message.getBytes(StandardCharsets.UTF_8).length + EVENT_OVERHEAD;
                if (batch.size() == MAX_EVENTS || bytes + size > MAX_BATCH_BYTES) {
                    put(group, stream, batch);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
                batch.add(InputLogEvent.builder().timestamp(now).message(message).build());
                bytes += size;
            }
            put(group, stream, batch);
            return stream;
        } catch (SdkException | IOException e) {
            if (refusalSaid.compareAndSet(false, true)) {
                LOG.warn("outcome=task-logs-not-sent group={} stream={} reason=\"{}\" note=\"containers' output stays "
                        + "in the tasks' log folders; said once\"", group, stream, e.getMessage());
            }
            return null;
        }
    }

    private void put(String group, String stream, List<InputLogEvent> batch) {
        if (!batch.isEmpty()) {
            logs.putLogEvents(request -> request.logGroupName(group).logStreamName(stream).logEvents(batch));
        }
    }

    /** The file's non-empty lines (CloudWatch refuses empty events); bytes that are not UTF-8 replaced. */
    private static List<String> lines(Path file) throws IOException {
        if (file == null || !Files.exists(file)) {
            return List.of();
        }
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        return text.lines().filter(line -> !line.isEmpty()).toList();
    }
}
