package io.conveyor.aws;

import io.conveyor.jobs.JobIndex;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobSummary;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The job index in a DynamoDB table (the stack's {@code JobIndexTable}): one item per job, key {@code id},
 * and three global secondary indexes sorted by {@code queuedKey} ({@code <queuedAt, fixed width>#<id>}), so a
 * listing is one or two {@code Query} calls, newest first:
 * <ul>
 *   <li>{@value #BY_ALGORITHM}: partition {@code algorithm} ({@code --algorithm}, and {@code --input} under
 *       {@code inputs/<algorithm>/}, whose algorithm it names);</li>
 *   <li>{@value #BY_STATE}: partition {@code state};</li>
 *   <li>{@value #BY_MONTH}: partition {@code queuedMonth} ({@code 2026-11}), walked back from this month.</li>
 * </ul>
 * Other filters ({@code --pipeline} and {@code --batch} too) are a {@code FilterExpression} on the chosen index;
 * {@code --since} is a key condition. A pipeline job's item holds its {@code pipeline}, {@code batch} and
 * {@code step}; items written before have none, and read as jobs outside pipelines.
 *
 * <p>A put is conditional on the count of the record's writes ({@code attribute_not_exists(id) OR writes <
 * :writes}), so a summary that reaches the table after a newer one is refused, whatever the order writers
 * arrive in.
 */
public final class DynamoDbJobIndex implements JobIndex {

    /** The global secondary indexes, as {@code template.yaml} declares them. */
    public static final String BY_ALGORITHM = "byAlgorithm";
    public static final String BY_STATE = "byState";
    public static final String BY_MONTH = "byQueuedMonth";
    /** The attributes the table and its indexes are keyed on. */
    public static final String ID = "id";
    public static final String ALGORITHM = "algorithm";
    public static final String STATE = "state";
    public static final String QUEUED_MONTH = "queuedMonth";
    public static final String QUEUED_KEY = "queuedKey";
    /** Where a pipeline job's item says its place: filtered on, never keyed. */
    public static final String PIPELINE = "pipeline";
    public static final String BATCH = "batch";
    public static final String STEP = "step";

    /** An unfiltered listing stops walking back after this many months in a row without a job. */
    static final int EMPTY_MONTHS_TO_STOP = 12;
    /** The longest reason kept in the index (the record keeps it whole). */
    static final int MAX_REASON = 1000;

    private static final DateTimeFormatter SORTABLE = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    /** An input under {@code inputs/<algorithm>/} of a bucket: the algorithm it was dropped for. */
    private static final Pattern INPUT_ALGORITHM = Pattern.compile("^(?:s3://[^/]+/)?inputs/([^/]+)/");

    /** An entry is written only over none, or over one of fewer writes of its record. */
    private static final String NEWER_ONLY = "attribute_not_exists(#id) OR #writes < :writes";
    private static final Map<String, String> NEWER_ONLY_NAMES = Map.of("#id", ID, "#writes", "writes");
    /** DynamoDB's limit of items in one transaction. */
    static final int MAX_TRANSACTION_ITEMS = 100;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public DynamoDbJobIndex(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public boolean put(Entry entry) {
        try {
            dynamoDb.putItem(r -> r.tableName(table).item(item(entry))
                    .conditionExpression(NEWER_ONLY).expressionAttributeNames(NEWER_ONLY_NAMES)
                    .expressionAttributeValues(Map.of(":writes", number(entry.writes()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Puts entries under the same condition as {@link #put}, 100 a call ({@code TransactWriteItems}, whose
     * items may not name one job twice: the caller gives each job once). A transaction is all or nothing, so
     * when DynamoDB cancels it, its reasons tell which items held a later write already
     * ({@code ConditionalCheckFailed}: left out) and the rest are sent again in a new one; an item cancelled for
     * another reason (a conflict with a concurrent writer of the same item) is put on its own. A transactional
     * write costs two write units a item, against one for {@code PutItem}: at DynamoDB's on-demand price a
     * million jobs' dispatch writes cost about a dollar more, for 0.9 fewer calls per job at a batch of 10.
     */
    @Override
    public int putAll(List<Entry> entries) {
        int older = 0;
        for (int from = 0; from < entries.size(); from += MAX_TRANSACTION_ITEMS) {
            List<Entry> pending = entries.subList(from, Math.min(from + MAX_TRANSACTION_ITEMS, entries.size()));
            while (!pending.isEmpty()) {
                if (pending.size() == 1) {
                    older += put(pending.get(0)) ? 0 : 1;
                    break;
                }
                List<Entry> send = pending;
                try {
                    dynamoDb.transactWriteItems(r -> r.transactItems(send.stream().map(this::conditionalPut).toList()));
                    break;
                } catch (TransactionCanceledException e) {
                    List<Entry> again = new ArrayList<>();
                    List<CancellationReason> reasons = e.cancellationReasons();
                    for (int i = 0; i < send.size(); i++) {
                        String code = i < reasons.size() ? reasons.get(i).code() : null;
                        if ("ConditionalCheckFailed".equals(code)) {
                            older++;
                        } else if (code == null || "None".equals(code)) {
                            again.add(send.get(i));
                        } else {
                            older += put(send.get(i)) ? 0 : 1;
                        }
                    }
                    pending = again;
                }
            }
        }
        return older;
    }

    private TransactWriteItem conditionalPut(Entry entry) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item(entry))
                .conditionExpression(NEWER_ONLY).expressionAttributeNames(NEWER_ONLY_NAMES)
                .expressionAttributeValues(Map.of(":writes", number(entry.writes())))).build();
    }

    /**
     * Puts many entries without conditions, 25 a call ({@code BatchWriteItem}), sending again what DynamoDB
     * left unprocessed: to fill an index nobody else writes (a new table, a benchmark), never beside writers.
     *
     * @return the calls made
     */
    public int load(List<Entry> entries) {
        int calls = 0;
        for (int from = 0; from < entries.size(); from += 25) {
            List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> batch = entries
                    .subList(from, Math.min(from + 25, entries.size())).stream()
                    .map(entry -> software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                            .putRequest(p -> p.item(item(entry))).build())
                    .toList();
            Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> pending = Map.of(table, batch);
            while (!pending.isEmpty() && !pending.getOrDefault(table, List.of()).isEmpty()) {
                Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> send = pending;
                pending = dynamoDb.batchWriteItem(r -> r.requestItems(send)).unprocessedItems();
                calls++;
            }
        }
        return calls;
    }

    @Override
    public List<JobSummary> list(JobQuery query) {
        String algorithm = query.algorithm() != null ? query.algorithm() : algorithmOf(query.inputPrefix());
        if (algorithm != null) {
            return collect(query, BY_ALGORITHM, ALGORITHM, algorithm, new ArrayList<>());
        }
        if (query.state() != null) {
            return collect(query, BY_STATE, STATE, query.state().name(), new ArrayList<>());
        }
        List<JobSummary> found = new ArrayList<>();
        YearMonth floor = query.since() == null ? null : YearMonth.from(query.since().atOffset(ZoneOffset.UTC));
        int empty = 0;
        for (YearMonth month = YearMonth.now(clock); found.size() < query.limit()
                && (floor == null ? empty < EMPTY_MONTHS_TO_STOP : !month.isBefore(floor)); month = month.minusMonths(1)) {
            int before = found.size();
            collect(query, BY_MONTH, QUEUED_MONTH, month.toString(), found);
            empty = found.size() == before ? empty + 1 : 0;
        }
        return List.copyOf(found);
    }

    /** The algorithm an input prefix names ({@code [s3://bucket/]inputs/<algorithm>/…}), or {@code null}. */
    static String algorithmOf(String inputPrefix) {
        if (inputPrefix == null) {
            return null;
        }
        Matcher matcher = INPUT_ALGORITHM.matcher(inputPrefix);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** Queries one partition of an index newest first, adding what the query wants to {@code found}. */
    private List<JobSummary> collect(JobQuery query, String index, String partitionAttribute, String partition,
                                     List<JobSummary> found) {
        Map<String, String> names = new HashMap<>(Map.of("#p", partitionAttribute));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", text(partition)));
        String keyCondition = "#p = :p";
        if (query.since() != null) {
            keyCondition += " AND #k >= :since";
            names.put("#k", QUEUED_KEY);
            values.put(":since", text(sortable(query.since())));
        }
        List<String> filters = new ArrayList<>();
        if (query.state() != null && !STATE.equals(partitionAttribute)) {
            filters.add("#state = :state");
            names.put("#state", STATE);
            values.put(":state", text(query.state().name()));
        }
        for (Map.Entry<String, String> place : placeFilters(query).entrySet()) {
            filters.add("#" + place.getKey() + " = :" + place.getKey());
            names.put("#" + place.getKey(), place.getKey());
            values.put(":" + place.getKey(), text(place.getValue()));
        }
        if (query.inputPrefix() != null) {
            filters.add("begins_with(#input, :input)");
            names.put("#input", "input");
            values.put(":input", text(query.inputPrefix()));
        }
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(index)
                .keyConditionExpression(keyCondition).expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(false);
        if (!filters.isEmpty()) {
            request.filterExpression(String.join(" AND ", filters));
        }
        Map<String, AttributeValue> start = null;
        do {
            // Limit counts items read before the filter: set it only when nothing is filtered out.
            if (filters.isEmpty()) {
                request.limit(query.limit() - found.size());
            }
            QueryResponse page = dynamoDb.query(request.exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (found.size() < query.limit()) {
                    found.add(summary(item));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && found.size() < query.limit());
        return found;
    }

    /** The query's pipeline and batch, by the attribute each is kept in. */
    private static Map<String, String> placeFilters(JobQuery query) {
        Map<String, String> place = new java.util.LinkedHashMap<>();
        if (query.pipeline() != null) {
            place.put(PIPELINE, query.pipeline());
        }
        if (query.batch() != null) {
            place.put(BATCH, query.batch());
        }
        return place;
    }

    private static Map<String, AttributeValue> item(Entry entry) {
        JobSummary job = entry.summary();
        Instant queued = job.queuedAt() == null ? Instant.EPOCH : Instant.parse(job.queuedAt());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ID, text(job.id()));
        item.put(ALGORITHM, text(job.algorithm()));
        item.put(STATE, text(job.state().name()));
        item.put("attempts", number(job.attempts()));
        item.put("writes", number(entry.writes()));
        item.put(QUEUED_MONTH, text(YearMonth.from(queued.atOffset(ZoneOffset.UTC)).toString()));
        item.put(QUEUED_KEY, text(sortable(queued) + "#" + job.id()));
        putText(item, "input", job.input());
        putText(item, "queuedAt", job.queuedAt());
        putText(item, "startedAt", job.startedAt());
        putText(item, "endedAt", job.endedAt());
        putText(item, PIPELINE, job.pipeline());
        putText(item, BATCH, job.batch());
        putText(item, STEP, job.step());
        putText(item, "reason", job.reason() == null || job.reason().length() <= MAX_REASON ? job.reason()
                : job.reason().substring(0, MAX_REASON) + "…");
        return item;
    }

    private static JobSummary summary(Map<String, AttributeValue> item) {
        return new JobSummary(item.get(ID).s(), item.get(ALGORITHM).s(), textOf(item, "input"),
                JobState.valueOf(item.get(STATE).s()), Integer.parseInt(item.get("attempts").n()),
                textOf(item, "queuedAt"), textOf(item, "startedAt"), textOf(item, "endedAt"), textOf(item, "reason"),
                textOf(item, PIPELINE), textOf(item, BATCH), textOf(item, STEP));
    }

    /** Fixed width, so that text order is time order ({@code Instant.toString} drops trailing zeros). */
    static String sortable(Instant instant) {
        return SORTABLE.format(instant);
    }

    private static void putText(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, text(value));
        }
    }

    private static String textOf(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static AttributeValue text(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue number(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }
}
