package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.flink.support.KafkaSupport;
import dev.vigil.flink.support.VigilServer;
import dev.vigil.flink.support.ZeekConnLines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fail-over: the job (exactly-once sinks) fails once in the middle of a stream, after a checkpoint,
 * and restarts from that checkpoint. Every input flow must end up with exactly one committed verdict:
 * nothing lost (source offsets, window state and the async operator's in-flight records come back
 * from the checkpoint) and nothing doubled (the failed attempt's Kafka transaction is aborted).
 */
class VigilFlowJobRecoveryTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int WAVE = 150;
  private static VigilServer vigil;

  // Per test, not per class: a skipped test then counts as skipped in Surefire's report.
  @BeforeEach
  void services() {
    KafkaSupport.requireBroker();
    vigil = VigilServer.shared();
  }

  /** Throws once, at the n-th record it sees after being armed (shared by the parallel instances). */
  static final class FailOnce implements MapFunction<ScoredFlow, ScoredFlow> {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger SINCE_ARMED = new AtomicInteger();
    static volatile int failAt = Integer.MAX_VALUE;

    @Override
    public ScoredFlow map(ScoredFlow s) {
      if (ARMED.get() && SINCE_ARMED.incrementAndGet() >= failAt && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure (test): the job must restart from its last checkpoint");
      }
      return s;
    }
  }

  private static List<Map.Entry<Integer, String>> wave(String prefix, Set<String> uids, long from) {
    List<Map.Entry<Integer, String>> out = new ArrayList<>();
    for (int i = 0; i < WAVE; i++) {
      String uid = prefix + i;
      uids.add(uid);
      out.add(Map.entry(i % 2, ZeekConnLines.benign(uid, i, from + i * 0.2)));
    }
    return out;
  }

  private static long distinctKeys(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::key).distinct().count();
  }

  @Test
  void restartsFromTheCheckpointWithoutLosingOrDoublingAVerdict() throws Exception {
    Map<String, Integer> t = new LinkedHashMap<>();
    t.put("in", 2);
    t.put("verdicts", 1);
    t.put("dlq", 1);
    t.put("features", 1);
    List<String> topics = KafkaSupport.createTopics("recovery", t);
    JobConfig config = JobConfig.parse(new String[] {
        "--bootstrap-servers", KafkaSupport.brokers(),
        "--input-topic", topics.get(0), "--output-topic", topics.get(1), "--dlq-topic", topics.get(2),
        "--features-topic", topics.get(3), "--group-id", "vigil-flink-" + topics.get(0),
        "--api-url", vigil.url, "--api-key", vigil.apiKey, "--batch-size", "10", "--batch-wait-ms", "20",
        "--checkpoint-interval-ms", "500", "--delivery", "exactly-once", "--idle-timeout-seconds", "0"}, Map.of());

    FailOnce.ARMED.set(false);
    FailOnce.FAILED.set(false);
    FailOnce.SINCE_ARMED.set(0);
    FailOnce.failAt = 40;

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    VigilFlowJob.build(env, config, new FailOnce());
    JobClient job = env.executeAsync("vigil-flink-recovery");
    try {
      Set<String> expected = new HashSet<>();
      KafkaSupport.produce(topics.get(0), wave("W1-", expected, ZeekConnLines.T0));
      // Exactly-once verdicts become visible when their checkpoint completes: wave 1 committed means
      // a checkpoint holds it.
      List<ConsumerRecord<String, String>> first = KafkaSupport.consumeUntil(topics.get(1), true, WAIT,
          got -> distinctKeys(got) >= WAVE);
      assertEquals(WAVE, distinctKeys(first), "wave 1 committed before the failure");

      FailOnce.ARMED.set(true);
      KafkaSupport.produce(topics.get(0), wave("W2-", expected, ZeekConnLines.T0 + 60));
      List<ConsumerRecord<String, String>> all = KafkaSupport.consumeUntil(topics.get(1), true, WAIT,
          got -> distinctKeys(got) >= expected.size());

      assertTrue(FailOnce.FAILED.get(), "the injected failure happened");
      Set<String> got = new HashSet<>();
      for (ConsumerRecord<String, String> r : all) got.add(MAPPER.readTree(r.value()).path("flowId").asText());
      assertEquals(expected, got, "every flow has a verdict after the restart");
      assertEquals(expected.size(), all.size(), "and exactly one: the failed attempt's transaction was aborted");
      assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job restarted and runs on");
    } finally {
      job.cancel().get();
    }
  }
}
