package io.conveyor.reconcile;

import java.util.Map;

/**
 * How many messages rest in each dead-letter queue (SQS's approximate count on AWS). Reading their reasons
 * would mean receiving them, which SQS cannot do without hiding them from an operator's redrive: the counts
 * are what a pass reports; the reasons stay on each message (attribute {@code conveyor-reason}).
 */
public interface DeadLetterCounts {

    /** Queue name (as the stack names it, e.g. {@code jobs}) → approximate count of its messages. */
    Map<String, Long> counts();
}
