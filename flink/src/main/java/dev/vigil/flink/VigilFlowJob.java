package dev.vigil.flink;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Vigil's Flink job (issue #6):
 *
 * <pre>
 *   KafkaSource (Zeek conn JSON lines)
 *     → normalise into canonical flow records ──(malformed)──────────────┐
 *     ├→ keyBy(src_ip) → tumbling event-time window → per-source stats ─→ features topic
 *     └→ async micro-batched POST /api/v1/predict/flows ─(rejected)──────┤
 *          → verdicts topic                                     dead-letter topic
 * </pre>
 *
 * Checkpoints are always on: source offsets, window state and the records in flight in the async
 * operator are in each checkpoint, so a restart loses nothing; the sinks are at-least-once (flushed
 * on every checkpoint; verdicts are keyed by uid) or exactly-once (Kafka transactions committed with
 * the checkpoint). See docs/streaming-flink.md.
 */
public final class VigilFlowJob {
  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private VigilFlowJob() {}

  public static void main(String[] args) throws Exception {
    JobConfig config;
    try {
      config = JobConfig.parse(args, System.getenv());
      if (config.apiKey == null && System.getenv("VIGIL_API_KEY") == null) {
        throw new IllegalArgumentException("no API key: set VIGIL_API_KEY (preferred) or pass --api-key");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("vigil-flink: " + e.getMessage());
      System.err.println("options (each also from VIGIL_FLINK_<NAME>): " + JobConfig.OPTIONS.keySet());
      System.exit(2);
      return;
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, config, null);
    env.execute("vigil-flows " + config.inputTopic + " → " + config.outputTopic);
  }

  /**
   * Adds the job's pipeline to {@code env}. {@code beforeSink}, when not null, runs on every scored
   * record before the sinks (tests inject a failure there).
   */
  static void build(StreamExecutionEnvironment env, JobConfig c, MapFunction<ScoredFlow, ScoredFlow> beforeSink) {
    env.enableCheckpointing(c.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);

    KafkaSource<ConnEvent> source = KafkaSource.<ConnEvent>builder()
        .setBootstrapServers(c.bootstrapServers)
        .setTopics(c.inputTopic)
        .setGroupId(c.groupId)
        .setStartingOffsets(startingOffsets(c.startingOffsets))
        .setDeserializer(new ZeekConnDeserializer())
        .build();
    WatermarkStrategy<ConnEvent> watermarks = WatermarkStrategy
        .<ConnEvent>forBoundedOutOfOrderness(Duration.ofSeconds(c.maxOutOfOrdernessSeconds))
        .withTimestampAssigner((event, kafkaTimestamp) -> event.eventTime());
    if (c.idleTimeoutSeconds > 0) watermarks = watermarks.withIdleness(Duration.ofSeconds(c.idleTimeoutSeconds));

    SingleOutputStreamOperator<FlowRecord> flows = env
        .fromSource(source, watermarks, "zeek conn (Kafka)")
        .uid("zeek-conn-source")
        .process(new SplitDeadLetters())
        .uid("normalise")
        .name("normalise");

    DataStream<SourceWindowStats> stats = flows
        .keyBy(f -> f.srcIp)
        .window(TumblingEventTimeWindows.of(c.windowSize()))
        .aggregate(new SourceWindowAggregator(), new SourceWindowAggregator.Emit(c.scanPortThreshold, c.sweepHostThreshold))
        .uid("source-window-stats")
        .name("per-source window stats");

    DataStream<ScoredFlow> scored = AsyncDataStream
        .unorderedWait(flows, new BatchingScoringFunction(c), c.asyncTimeoutMs(), TimeUnit.MILLISECONDS, c.capacity)
        .uid("score")
        .name("score (Vigil API)");
    if (beforeSink != null) scored = scored.map(beforeSink).uid("before-sink").name("before sink");

    SingleOutputStreamOperator<ScoredFlow> verdicts = scored
        .process(new SplitRejections(c.recordFormat))
        .uid("split-rejections")
        .name("split rejections");

    verdicts.sinkTo(sink(c, new OutputJson.VerdictSerializer(c.outputTopic), "verdicts"))
        .uid("verdicts-sink").name("verdicts (Kafka)");
    flows.getSideOutput(DEAD_LETTERS)
        .union(verdicts.getSideOutput(DEAD_LETTERS))
        .sinkTo(sink(c, new OutputJson.DeadLetterSerializer(c.dlqTopic), "dlq"))
        .uid("dlq-sink").name("dead letters (Kafka)");
    stats.sinkTo(sink(c, new OutputJson.StatsSerializer(c.featuresTopic), "features"))
        .uid("features-sink").name("features (Kafka)");
  }

  private static OffsetsInitializer startingOffsets(String mode) {
    return switch (mode) {
      case "earliest" -> OffsetsInitializer.earliest();
      case "latest" -> OffsetsInitializer.latest();
      default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    };
  }

  private static <T> KafkaSink<T> sink(JobConfig c, KafkaRecordSerializationSchema<T> serializer, String name) {
    Properties producer = new Properties();
    producer.setProperty("enable.idempotence", "true");
    producer.setProperty("linger.ms", "5");
    var builder = KafkaSink.<T>builder()
        .setBootstrapServers(c.bootstrapServers)
        .setRecordSerializer(serializer)
        .setKafkaProducerConfig(producer);
    if (c.exactlyOnce()) {
      // Must stay below the broker's transaction.max.timeout.ms (15 min by default).
      builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
          .setTransactionalIdPrefix(c.groupId + "-" + name)
          .setProperty("transaction.timeout.ms", Long.toString(c.transactionTimeoutMs));
    } else {
      builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
    }
    return builder.build();
  }

  /** Flows go on; malformed lines go to the dead-letter side output. */
  static final class SplitDeadLetters extends ProcessFunction<ConnEvent, FlowRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(ConnEvent e, Context ctx, Collector<FlowRecord> out) {
      if (e.flow != null) out.collect(e.flow);
      else ctx.output(DEAD_LETTERS, e.deadLetter);
    }
  }

  /** Verdicts go on; records the API rejected go to the dead-letter side output with its reason. */
  static final class SplitRejections extends ProcessFunction<ScoredFlow, ScoredFlow> {
    private static final long serialVersionUID = 1L;
    private final String recordFormat;

    SplitRejections(String recordFormat) {
      this.recordFormat = recordFormat;
    }

    @Override
    public void processElement(ScoredFlow s, Context ctx, Collector<ScoredFlow> out) {
      if (s.rejection == null) {
        out.collect(s);
        return;
      }
      DeadLetter d = DeadLetter.of("score", s.rejectionCode, s.rejection, ScoringApiClient.recordJson(s.flow, recordFormat),
          null, 0, 0);
      d.key = s.flow.key;
      ctx.output(DEAD_LETTERS, d);
    }
  }
}
