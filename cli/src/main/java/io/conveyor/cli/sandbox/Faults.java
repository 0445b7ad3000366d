package io.conveyor.cli.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Faults on demand, for the reliability work: messages dropped (a notification that never arrives)
 * or duplicated (delivered again later, as at-least-once delivery may), and handler invocations
 * killed mid-batch (the handler gets through part of the batch, then dies before it answers). Each
 * is a fraction from 0 to 1, drawn from a seeded source so that a run can be repeated.
 */
public final class Faults {

    /**
     * @param dropFraction      share of messages deleted unseen
     * @param duplicateFraction share of messages sent to their queue once more
     * @param killFraction      share of invocations that die mid-batch
     * @param seed              the random source's seed
     */
    public record Settings(double dropFraction, double duplicateFraction, double killFraction, long seed) {
        public Settings {
            check("drop", dropFraction);
            check("duplicate", duplicateFraction);
            check("kill-handler", killFraction);
        }

        boolean none() {
            return dropFraction == 0 && duplicateFraction == 0 && killFraction == 0;
        }
    }

    /** No faults. */
    public static final Settings NONE = new Settings(0, 0, 0, 1);

    private final Settings settings;
    private final Random random;

    public Faults(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
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
     * Faults from {@code --fault NAME=FRACTION} words: {@code drop}, {@code duplicate},
     * {@code kill-handler}, {@code seed}.
     */
    public static Settings parse(List<String> settings) {
        double drop = 0;
        double duplicate = 0;
        double kill = 0;
        long seed = 1;
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--fault " + setting + ": expected NAME=VALUE (drop, duplicate, "
                        + "kill-handler, seed)");
            }
            String name = setting.substring(0, equals).toLowerCase(Locale.ROOT);
            String value = setting.substring(equals + 1);
            try {
                switch (name) {
                    case "drop" -> drop = Double.parseDouble(value);
                    case "duplicate" -> duplicate = Double.parseDouble(value);
                    case "kill-handler" -> kill = Double.parseDouble(value);
                    case "seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("--fault " + setting + ": unknown fault '" + name
                            + "' (drop, duplicate, kill-handler, seed)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--fault " + setting + ": '" + value + "' is not a number", e);
            }
        }
        return new Settings(drop, duplicate, kill, seed);
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
                continue;
            }
            if (random.nextDouble() < settings.duplicateFraction()) {
                resend.accept(message.body());
            }
            delivered.add(message);
        }
        if (!delivered.isEmpty() && random.nextDouble() < settings.killFraction()) {
            return new Delivery(delivered.subList(0, random.nextInt(delivered.size())), true);
        }
        return new Delivery(delivered, false);
    }
}
