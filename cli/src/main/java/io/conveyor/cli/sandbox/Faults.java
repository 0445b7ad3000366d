package io.conveyor.cli.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Faults on demand, for the reliability work: messages dropped (a notification that never arrives)
 * or duplicated (delivered again later, as at-least-once delivery may), handler invocations killed
 * mid-batch (the handler gets through part of the batch, then dies before it answers), and a share
 * of one service's calls throttled (refused before it reaches the emulator) or answered with a server
 * error (after it did: its answer is lost). Each is a fraction from 0 to 1, drawn from a seeded source
 * so that a run can be repeated.
 */
public final class Faults {

    /**
     * @param dropFraction      share of messages deleted unseen
     * @param duplicateFraction share of messages sent to their queue once more
     * @param killFraction      share of invocations that die mid-batch
     * @param seed              the random source's seed
     * @param throttled         service (its signing name: {@code s3}, {@code sqs}, {@code ecs}, {@code ec2}, …)
     *                          → share of its calls throttled
     * @param failed            service → share of its calls answered with a server error after they ran
     * @param killBatch         the batch (counting those of two messages or more, from 1) whose invocation dies
     *                          mid-batch whatever the draw, or 0: a run that must kill one handler, once
     * @param ecsRate           ECS's limit on task starts for the account ({@link EcsStartLimit}), or
     *                          {@link EcsStartLimit.Rate#OFF}
     */
    public record Settings(double dropFraction, double duplicateFraction, double killFraction, long seed,
                           Map<String, Double> throttled, Map<String, Double> failed, int killBatch,
                           EcsStartLimit.Rate ecsRate) {
        public Settings {
            java.util.Objects.requireNonNull(ecsRate, "ecsRate");
            if (killBatch < 0) {
                throw new IllegalArgumentException("--fault kill-batch=" + killBatch + ": a batch's number, 1 or more");
            }
            check("drop", dropFraction);
            check("duplicate", duplicateFraction);
            check("kill-handler", killFraction);
            throttled.forEach((service, fraction) -> check("throttle=" + service, fraction));
            failed.forEach((service, fraction) -> check("error=" + service, fraction));
            throttled = Map.copyOf(throttled);
            failed = Map.copyOf(failed);
        }

        /** No limit on ECS's task starts. */
        public Settings(double dropFraction, double duplicateFraction, double killFraction, long seed,
                        Map<String, Double> throttled, Map<String, Double> failed, int killBatch) {
            this(dropFraction, duplicateFraction, killFraction, seed, throttled, failed, killBatch,
                    EcsStartLimit.Rate.OFF);
        }

        /** Fractions only. */
        public Settings(double dropFraction, double duplicateFraction, double killFraction, long seed,
                        Map<String, Double> throttled, Map<String, Double> failed) {
            this(dropFraction, duplicateFraction, killFraction, seed, throttled, failed, 0);
        }

        /** Only message and invocation faults. */
        public Settings(double dropFraction, double duplicateFraction, double killFraction, long seed) {
            this(dropFraction, duplicateFraction, killFraction, seed, Map.of(), Map.of());
        }

        /** The same, and the {@code n}th batch of two messages or more killed mid-batch. */
        public Settings withKillBatch(int n) {
            return new Settings(dropFraction, duplicateFraction, killFraction, seed, throttled, failed, n, ecsRate);
        }

        /** The same, and ECS's task starts limited to {@code rate} for the account. */
        public Settings withEcsRate(EcsStartLimit.Rate rate) {
            return new Settings(dropFraction, duplicateFraction, killFraction, seed, throttled, failed, killBatch, rate);
        }

        boolean none() {
            return dropFraction == 0 && duplicateFraction == 0 && killFraction == 0 && killBatch == 0;
        }

        /** Whether any service's calls are to fail (or may be throttled for their rate). */
        boolean callFaults() {
            return ecsRate.on() || throttled.values().stream().anyMatch(f -> f > 0) || failed.values().stream().anyMatch(f -> f > 0);
        }
    }

    /** No faults. */
    public static final Settings NONE = new Settings(0, 0, 0, 1);

    /** What a call to AWS meets. */
    enum CallFault {
        NONE, THROTTLED, FAILED
    }

    private final Settings settings;
    private final Random random;
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    /** ECS's limit on task starts, or {@code null} when there is none. */
    private final EcsStartLimit ecsStarts;
    private int batchesOfTwoOrMore;

    public Faults(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.ecsStarts = settings.ecsRate().on() ? new EcsStartLimit(settings.ecsRate()) : null;
    }

    public Settings settings() {
        return settings;
    }

    private static void check(String name, double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--fault " + name + "=" + fraction + ": a fraction from 0 to 1");
        }
    }

    /**
     * Faults from {@code --fault NAME=VALUE} words: {@code drop=F}, {@code duplicate=F},
     * {@code kill-handler=F}, {@code kill-batch=N}, {@code throttle=SERVICE:F}, {@code error=SERVICE:F}, {@code seed=N},
     * {@code ecs-rate=RATE/BURST}.
     */
    public static Settings parse(List<String> settings) {
        double drop = 0;
        double duplicate = 0;
        double kill = 0;
        int killBatch = 0;
        long seed = 1;
        Map<String, Double> throttled = new TreeMap<>();
        Map<String, Double> failed = new TreeMap<>();
        EcsStartLimit.Rate ecsRate = EcsStartLimit.Rate.OFF;
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--fault " + setting + ": expected NAME=VALUE (drop, duplicate, "
                        + "kill-handler, kill-batch, throttle, error, seed, ecs-rate)");
            }
            String name = setting.substring(0, equals).toLowerCase(Locale.ROOT);
            String value = setting.substring(equals + 1);
            try {
                switch (name) {
                    case "drop" -> drop = Double.parseDouble(value);
                    case "duplicate" -> duplicate = Double.parseDouble(value);
                    case "kill-handler" -> kill = Double.parseDouble(value);
                    case "kill-batch" -> killBatch = Integer.parseInt(value);
                    case "seed" -> seed = Long.parseLong(value);
                    case "ecs-rate" -> ecsRate = EcsStartLimit.Rate.parse(value);
                    case "throttle", "error" -> {
                        int colon = value.indexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("--fault " + setting + ": expected " + name
                                    + "=SERVICE:FRACTION, e.g. " + name + "=ecs:0.05");
                        }
                        (name.equals("throttle") ? throttled : failed).put(value.substring(0, colon)
                                .toLowerCase(Locale.ROOT), Double.parseDouble(value.substring(colon + 1)));
                    }
                    default -> throw new IllegalArgumentException("--fault " + setting + ": unknown fault '" + name
                            + "' (drop, duplicate, kill-handler, kill-batch, throttle, error, seed, ecs-rate)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--fault " + setting + ": '" + value + "' is not a number", e);
            }
        }
        return new Settings(drop, duplicate, kill, seed, throttled, failed, killBatch, ecsRate);
    }

    /** Decides the fault of one call to a service. */
    CallFault call(String service) {
        return call(service, "");
    }

    /**
     * Decides the fault of one call to a service's operation ({@code StartTask}, …): a task start over ECS's
     * rate is throttled first (counted as {@code ecs-rate}), then the drawn faults apply.
     */
    synchronized CallFault call(String service, String operation) {
        if (ecsStarts != null && "ecs".equals(service) && EcsStartLimit.STARTS.contains(operation)
                && !ecsStarts.take()) {
            count("ecs-rate");
            return CallFault.THROTTLED;
        }
        double draw = random.nextDouble();
        double throttle = settings.throttled().getOrDefault(service, 0.0);
        if (draw < throttle) {
            count("throttle=" + service);
            return CallFault.THROTTLED;
        }
        if (draw < throttle + settings.failed().getOrDefault(service, 0.0)) {
            count("error=" + service);
            return CallFault.FAILED;
        }
        return CallFault.NONE;
    }

    /** What ECS's limit on task starts saw (all zero when there is none). */
    public EcsStartLimit.Seen ecsStarts() {
        return ecsStarts == null ? new EcsStartLimit.Seen(0, 0, 0) : ecsStarts.seen();
    }

    /** How many faults of each kind were injected so far (e.g. {@code drop}, {@code throttle=ecs}). */
    public Map<String, Long> injected() {
        Map<String, Long> counts = new TreeMap<>();
        injected.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    private void count(String kind) {
        injected.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** What reaches a handler of a batch received. */
    record Delivery(List<Message> messages, boolean handlerKilled) {
    }

    /** Decides the faults of one batch; a duplicate is sent back to the queue through {@code resend}. */
    synchronized Delivery deliver(List<Message> received, Consumer<String> resend) {
        if (settings.none()) {
            return new Delivery(received, false);
        }
        List<Message> delivered = new ArrayList<>();
        for (Message message : received) {
            if (random.nextDouble() < settings.dropFraction()) {
                count("drop");
                continue;
            }
            if (random.nextDouble() < settings.duplicateFraction()) {
                count("duplicate");
                resend.accept(message.body());
            }
            delivered.add(message);
        }
        if (delivered.size() >= 2 && ++batchesOfTwoOrMore == settings.killBatch()) {
            count("kill-handler");
            return new Delivery(delivered.subList(0, delivered.size() / 2), true);
        }
        if (!delivered.isEmpty() && random.nextDouble() < settings.killFraction()) {
            count("kill-handler");
            return new Delivery(delivered.subList(0, random.nextInt(delivered.size())), true);
        }
        return new Delivery(delivered, false);
    }
}
