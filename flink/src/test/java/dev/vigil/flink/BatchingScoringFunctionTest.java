package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The micro-batching async function on Flink's MiniCluster against a scripted stand-in for the
 * scoring API (on 127.0.0.1): batching, retries with backoff, per-record rejection, giving up. The
 * stand-in answers each record with category = its uid, so a prediction attached to the wrong record
 * shows. The real API is exercised by {@link VigilFlowJobTest}.
 */
class BatchingScoringFunctionTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private HttpServer server;
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
  }

  /** Starts the stand-in; {@code answer(callIndex, records)} gives status and body. */
  private String serve(BiFunction<Integer, JsonNode, Map.Entry<Integer, String>> answer) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/api/v1/predict/flows", exchange -> {
      JsonNode records = MAPPER.readTree(exchange.getRequestBody()).path("records");
      batchSizes.add(records.size());
      authorizations.add(exchange.getRequestHeaders().getFirst("authorization"));
      Map.Entry<Integer, String> reply = answer.apply(calls.getAndIncrement(), records);
      byte[] body = reply.getValue().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("content-type", "application/json");
      exchange.sendResponseHeaders(reply.getKey(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static Map.Entry<Integer, String> predictions(JsonNode records) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode preds = root.putArray("predictions");
    for (JsonNode r : records) {
      ObjectNode p = preds.addObject();
      boolean attack = r.path("dst_port").asInt() < 1024;
      p.put("verdict", attack ? "attack" : "benign");
      p.put("probability", attack ? 0.9 : 0.1);
      p.put("riskScore", attack ? 90 : 10);
      p.put("category", r.path("flow_id").asText());
      p.put("modelId", "stub");
      p.put("modelVersion", 3);
    }
    return Map.entry(200, root.toString());
  }

  private static List<FlowRecord> records(int n) throws MalformedRecordException {
    List<FlowRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ZeekConnNormaliser.normalise(
          "{\"ts\":" + (1_700_000_000 + i) + ",\"uid\":\"C" + i + "\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":" + (1000 + i)
              + ",\"id.resp_h\":\"10.0.0.2\",\"id.resp_p\":" + (i * 97 % 2000) + ",\"proto\":\"tcp\"}", "x"));
    }
    return out;
  }

  private static JobConfig config(String url, int batchSize, int maxAttempts) {
    return JobConfig.parse(new String[] {"--api-url", url, "--api-key", "vgl_test", "--batch-size", String.valueOf(batchSize),
        "--batch-wait-ms", "20", "--max-attempts", String.valueOf(maxAttempts), "--initial-backoff-ms", "20",
        "--max-backoff-ms", "100", "--request-timeout-ms", "5000"}, Map.of());
  }

  private static List<ScoredFlow> run(JobConfig c, List<FlowRecord> input) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<ScoredFlow> out = AsyncDataStream.unorderedWait(
        env.fromData(input), new BatchingScoringFunction(c), c.asyncTimeoutMs(), TimeUnit.MILLISECONDS, c.capacity);
    List<ScoredFlow> result = new ArrayList<>();
    try (CloseableIterator<ScoredFlow> it = out.executeAndCollect("scoring-function-test")) {
      it.forEachRemaining(result::add);
    }
    return result;
  }

  @Test
  void batchesRetriesAndKeepsEachPredictionWithItsRecord() throws Exception {
    String url = serve((call, records) -> call < 2 ? Map.entry(503, "{\"error\":{\"code\":\"NO_PRODUCTION_MODEL\",\"message\":\"later\"}}")
        : predictions(records));
    List<ScoredFlow> out = run(config(url, 8, 5), records(50));

    assertEquals(50, out.size());
    for (ScoredFlow s : out) {
      assertNull(s.rejection);
      assertEquals(s.flow.uid, s.category, "each prediction stays with its own record");
      assertEquals(s.flow.dstPort < 1024 ? "attack" : "benign", s.verdict);
      assertEquals(3, s.modelVersion);
    }
    assertTrue(batchSizes.stream().allMatch(n -> n >= 1 && n <= 8), () -> "batch sizes " + batchSizes);
    int scoredCalls = batchSizes.size() - 2;
    assertTrue(scoredCalls < 50, () -> "records were batched: " + batchSizes);
    assertTrue(authorizations.stream().allMatch("Bearer vgl_test"::equals));
  }

  @Test
  void aRejectedRecordGoesAsideAndTheRestOfItsBatchIsScored() throws Exception {
    String url = serve((call, records) -> {
      for (int i = 0; i < records.size(); i++) {
        if (records.get(i).path("flow_id").asText().equals("C4")) {
          return Map.entry(400, "{\"error\":{\"code\":\"VALIDATION_FAILED\",\"message\":\"record " + i
              + ", field \\\"dst_port\\\": no\",\"path\":\"records." + i + ".dst_port\"}}");
        }
      }
      return predictions(records);
    });
    List<ScoredFlow> out = run(config(url, 5, 3), records(10));

    assertEquals(10, out.size());
    List<ScoredFlow> rejected = out.stream().filter(s -> s.rejection != null).toList();
    assertEquals(1, rejected.size());
    assertEquals("C4", rejected.get(0).flow.uid);
    assertTrue(rejected.get(0).rejection.startsWith("HTTP 400 VALIDATION_FAILED"), rejected.get(0).rejection);
    assertTrue(out.stream().filter(s -> s.rejection == null).allMatch(s -> s.flow.uid.equals(s.category)));
  }

  @Test
  void givesUpAfterMaxAttemptsSoTheJobFailsInsteadOfDroppingRecords() throws Exception {
    String url = serve((call, records) -> Map.entry(503, "{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"down\"}}"));
    Exception e = assertThrows(Exception.class, () -> run(config(url, 4, 2), records(4)));
    assertTrue(causes(e).contains("scoring failed after 2 attempts: HTTP 503 UNAVAILABLE: down"), () -> causes(e));
  }

  @Test
  void aBadApiKeyFailsTheJobWithTheServersMessage() throws Exception {
    String url = serve((call, records) -> Map.entry(401, "{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"unknown API key\"}}"));
    Exception e = assertThrows(Exception.class, () -> run(config(url, 4, 5), records(3)));
    assertTrue(causes(e).contains("HTTP 401 UNAUTHENTICATED: unknown API key"), () -> causes(e));
    assertEquals(3, batchSizes.stream().mapToInt(Integer::intValue).sum(), "each record sent once: not retried");
  }

  private static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) sb.append(t).append('\n');
    return sb.toString();
  }
}
