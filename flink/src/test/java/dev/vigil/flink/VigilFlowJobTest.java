package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.flink.support.KafkaSupport;
import dev.vigil.flink.support.VigilServer;
import dev.vigil.flink.support.ZeekConnLines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on Flink's MiniCluster, end to end: a real Kafka broker (TEST_KAFKA_BROKERS) and a
 * real Vigil server started by the test (its synthetic-flows demo model in production). Zeek conn
 * lines in (benign traffic, a port scan, malformed lines); verdicts, dead letters and per-source
 * window features out.
 */
class VigilFlowJobTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int BENIGN = 48;
  private static final int SCAN_PORTS = 60;
  private static VigilServer vigil;

  // Per test, not per class: a skipped test then counts as skipped in Surefire's report.
  @BeforeEach
  void services() {
    KafkaSupport.requireBroker();
    vigil = VigilServer.shared();
  }

  private static JobConfig config(List<String> topics, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--bootstrap-servers", KafkaSupport.brokers(),
        "--input-topic", topics.get(0), "--output-topic", topics.get(1), "--dlq-topic", topics.get(2),
        "--features-topic", topics.get(3), "--group-id", "vigil-flink-" + topics.get(0),
        "--api-url", vigil.url, "--api-key", vigil.apiKey,
        "--batch-size", "16", "--batch-wait-ms", "20", "--checkpoint-interval-ms", "500",
        "--window-seconds", "60", "--max-out-of-orderness-seconds", "5", "--idle-timeout-seconds", "0"));
    args.addAll(List.of(extra));
    return JobConfig.parse(args.toArray(String[]::new), Map.of());
  }

  private static List<String> topics(String prefix) throws Exception {
    Map<String, Integer> t = new LinkedHashMap<>();
    t.put("in", 2);
    t.put("verdicts", 1);
    t.put("dlq", 1);
    t.put("features", 1);
    return KafkaSupport.createTopics(prefix, t);
  }

  private static JsonNode json(ConsumerRecord<String, String> r) {
    try {
      return MAPPER.readTree(r.value());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r.value(), e);
    }
  }

  @Test
  void scoresEveryValidFlowDeadLettersTheMalformedAndFlagsThePortScan() throws Exception {
    List<String> topics = topics("e2e");
    long t0 = ZeekConnLines.T0;
    List<Map.Entry<Integer, String>> input = new ArrayList<>();
    Set<String> valid = new HashSet<>();
    Set<String> scanUids = new HashSet<>();
    for (int i = 0; i < BENIGN; i++) {
      String uid = "Cbenign" + i;
      input.add(Map.entry(i % 2, ZeekConnLines.benign(uid, i, t0 + i)));
      valid.add(uid);
    }
    for (int p = 1; p <= SCAN_PORTS; p++) {
      String uid = "Cscan" + p;
      input.add(Map.entry(p % 2, ZeekConnLines.scanProbe(uid, p, t0 + 10 + p * 0.5)));
      valid.add(uid);
      scanUids.add(uid);
    }
    input.add(Map.entry(0, "this is not json"));
    input.add(Map.entry(1, "[1,2,3]"));
    input.add(Map.entry(0, "{\"ts\":" + (t0 + 5) + ",\"id.orig_h\":\"10.1.0.1\",\"id.orig_p\":1,\"id.resp_p\":80,\"proto\":\"tcp\"}"));
    input.add(Map.entry(1, ZeekConnLines.benign("Cbadbytes", 2, t0 + 6).replaceFirst("\"orig_bytes\":\\d+", "\"orig_bytes\":\"abc\"")));
    // One late flow per partition moves both partitions' watermarks past the first minute's window.
    for (int part = 0; part < 2; part++) {
      String uid = "Ctick" + part;
      input.add(Map.entry(part, ZeekConnLines.tick(uid, t0 + 600 + part)));
      valid.add(uid);
    }
    KafkaSupport.produce(topics.get(0), input);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    VigilFlowJob.build(env, config(topics), null);
    JobClient job = env.executeAsync("vigil-flink-e2e");
    try {
      List<ConsumerRecord<String, String>> verdicts = KafkaSupport.consumeUntil(topics.get(1), false, WAIT,
          got -> got.stream().map(ConsumerRecord::key).distinct().count() >= valid.size());
      List<ConsumerRecord<String, String>> dlq = KafkaSupport.consumeUntil(topics.get(2), false, WAIT, got -> got.size() >= 4);
      List<ConsumerRecord<String, String>> features = KafkaSupport.consumeUntil(topics.get(3), false, WAIT,
          got -> got.stream().anyMatch(r -> json(r).path("src_ip").asText().equals("10.66.6.6")));

      // One verdict per valid input, keyed by its Kafka position, with the prediction fields.
      Map<String, JsonNode> byUid = new HashMap<>();
      for (ConsumerRecord<String, String> r : verdicts) {
        JsonNode v = json(r);
        assertEquals(r.key(), v.path("key").asText());
        assertTrue(r.key().startsWith("kafka:" + topics.get(0) + ":"), r::key);
        byUid.put(v.path("flowId").asText(), v);
      }
      if (!byUid.keySet().equals(valid)) {
        // Say what is missing and what the job, the dead letters and the server said, so a failure in
        // CI can be read from its log alone.
        Set<String> missing = new TreeSet<>(valid);
        missing.removeAll(byUid.keySet());
        Set<String> unexpected = new TreeSet<>(byUid.keySet());
        unexpected.removeAll(valid);
        throw new AssertionError("verdicts after " + WAIT.toSeconds() + " s: " + byUid.size() + " of " + valid.size()
            + "; missing " + missing + "; unexpected " + unexpected + "; job " + job.getJobStatus().get()
            + "; dead letters " + dlq.stream().map(ConsumerRecord::value).toList()
            + "; server output:\n" + vigil.recentOutput());
      }
      assertEquals(valid.size(), verdicts.size(), "no duplicates without a failure");
      JsonNode probe = byUid.get("Cscan7");
      assertEquals("10.66.6.6", probe.path("srcIp").asText());
      assertEquals(7, probe.path("dstPort").asInt());
      assertEquals("tcp", probe.path("protocol").asText());
      assertEquals("flink", probe.path("source").asText());
      assertEquals(Instant.ofEpochMilli((t0 + 10) * 1000 + 3500).toString(), probe.path("startTime").asText());
      for (JsonNode v : byUid.values()) {
        assertTrue(Set.of("benign", "attack").contains(v.path("verdict").asText()), v::toString);
        assertTrue(v.path("riskScore").isInt() && v.path("probability").isNumber(), v::toString);
        assertFalse(v.path("model").path("id").asText().isEmpty(), v::toString);
        assertEquals("synthetic-flows", v.path("model").path("kind").asText(), v::toString);
        // explain=alerts (the default): attacks say why, benign flows carry no explanation.
        boolean attack = v.path("verdict").asText().equals("attack");
        assertEquals(attack, v.path("topFeatures").size() > 0, v::toString);
      }
      // The demo model sees the scan probes as attacks and the web/DNS traffic as benign.
      long scanAttacks = scanUids.stream().filter(u -> byUid.get(u).path("verdict").asText().equals("attack")).count();
      long benignOk = byUid.entrySet().stream()
          .filter(e -> e.getKey().startsWith("Cbenign") && e.getValue().path("verdict").asText().equals("benign")).count();
      assertTrue(scanAttacks >= SCAN_PORTS * 0.8, () -> "scan probes flagged: " + scanAttacks + "/" + SCAN_PORTS);
      assertTrue(benignOk >= BENIGN * 0.8, () -> "benign flows passed: " + benignOk + "/" + BENIGN);

      // Malformed lines: in the dead-letter topic with the reason and their position; never a verdict.
      assertEquals(4, dlq.size(), () -> "dead letters: " + dlq);
      List<String> reasons = dlq.stream().map(r -> json(r).path("reason").asText()).sorted().toList();
      assertTrue(reasons.stream().anyMatch(s -> s.startsWith("not JSON")), reasons::toString);
      assertTrue(reasons.stream().anyMatch(s -> s.contains("expected a JSON object")), reasons::toString);
      assertTrue(reasons.stream().anyMatch(s -> s.contains("\"id.resp_h\"")), reasons::toString);
      assertTrue(reasons.stream().anyMatch(s -> s.contains("\"orig_bytes\"")), reasons::toString);
      for (ConsumerRecord<String, String> r : dlq) {
        JsonNode d = json(r);
        assertEquals("normalise", d.path("stage").asText());
        assertEquals(topics.get(0), d.path("topic").asText());
        assertEquals(r.key(), "kafka:" + topics.get(0) + ":" + d.path("partition").asInt() + ":" + d.path("offset").asLong());
        assertTrue(d.path("payload").isTextual());
      }
      assertEquals(Set.of("malformed-json", "not-an-object", "missing-field", "not-a-number"),
          new HashSet<>(dlq.stream().map(r -> json(r).path("code").asText()).toList()));
      assertFalse(byUid.containsKey("Cbadbytes"));

      // Window features: the scanner touched 60 ports in its minute and is flagged; benign hosts are not.
      JsonNode scanner = features.stream().map(VigilFlowJobTest::json)
          .filter(f -> f.path("src_ip").asText().equals("10.66.6.6")).findFirst().orElseThrow();
      assertEquals(SCAN_PORTS, scanner.path("distinctDstPorts").asInt());
      assertEquals(SCAN_PORTS, scanner.path("connections").asInt());
      assertEquals(SCAN_PORTS, scanner.path("failedConnections").asInt());
      assertEquals(1, scanner.path("distinctDstHosts").asInt());
      assertTrue(scanner.path("portScanSuspect").asBoolean());
      assertEquals((t0) * 1000, scanner.path("windowStart").asLong());
      List<JsonNode> benignSources = features.stream().map(VigilFlowJobTest::json)
          .filter(f -> f.path("src_ip").asText().startsWith("10.1.0.")).toList();
      assertFalse(benignSources.isEmpty());
      assertTrue(benignSources.stream().noneMatch(f -> f.path("portScanSuspect").asBoolean()), benignSources::toString);
    } finally {
      job.cancel().get();
    }
  }
}
