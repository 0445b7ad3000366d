package io.conveyor.dispatch;

import io.conveyor.dispatch.Dispatcher.Message;
import io.conveyor.dispatch.Dispatcher.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of queue messages and the jobs they name: a job may be named by several messages (S3
 * delivers at least once), a message may name several jobs. Every message ends with one verdict,
 * the worst of its jobs' verdicts.
 */
final class Batch {

    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final Map<String, Verdict> verdicts = new LinkedHashMap<>();
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    private final Map<String, List<String>> messagesOfJob = new LinkedHashMap<>();

    Batch(List<Message> batch) {
        for (Message message : batch) {
            messages.put(message.id(), message);
            verdicts.put(message.id(), new Verdict.Done());
        }
    }

    /** The jobs a message names that are to run (the first admission of a job is kept). */
    void admitted(Message message, List<Candidate> jobs) {
        for (Candidate candidate : jobs) {
            candidates.putIfAbsent(candidate.id(), candidate);
            messagesOfJob.computeIfAbsent(candidate.id(), id -> new ArrayList<>()).add(message.id());
        }
    }

    /** A message that could not be read through: it goes back to its queue. */
    void failed(Message message, RuntimeException e) {
        verdicts.put(message.id(), new Verdict.Failed(String.valueOf(e.getMessage())));
    }

    List<Candidate> candidates() {
        return List.copyOf(candidates.values());
    }

    /** Gives each job's verdict to every message that names it. */
    void settle(Map<String, Verdict> jobVerdicts) {
        jobVerdicts.forEach((jobId, verdict) -> messagesOfJob.getOrDefault(jobId, List.of())
                .forEach(messageId -> verdicts.merge(messageId, verdict, Batch::worse)));
    }

    /** The fewest deliveries among the messages naming these jobs: how long they have waited so far. */
    int fewestReceives(List<Candidate> jobs) {
        return jobs.stream().flatMap(c -> messagesOfJob.getOrDefault(c.id(), List.of()).stream())
                .mapToInt(id -> messages.get(id).receiveCount()).min().orElse(1);
    }

    Map<String, Verdict> verdicts() {
        return verdicts;
    }

    /** A failure outweighs a wait, which outweighs done; of two waits the shorter wins. */
    static Verdict worse(Verdict a, Verdict b) {
        if (a instanceof Verdict.Failed) {
            return a;
        }
        if (b instanceof Verdict.Failed) {
            return b;
        }
        if (a instanceof Verdict.Wait wa && b instanceof Verdict.Wait wb) {
            return wa.delaySeconds() <= wb.delaySeconds() ? wa : wb;
        }
        return a instanceof Verdict.Wait ? a : b;
    }
}
