package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringApiClientTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static FlowRecord record() throws MalformedRecordException {
    return ZeekConnNormaliser.normalise("""
        {"ts":1700000000.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5555,"id.resp_h":"10.0.0.2",
         "id.resp_p":22,"proto":"tcp","conn_state":"REJ","history":"Sr","orig_pkts":1,"resp_pkts":1,"duration":0}""",
        "kafka:conn:1:9");
  }

  @Test
  void canonicalRequestsCarryTheCanonicalFlowRecord() throws Exception {
    ScoringApiClient client = new ScoringApiClient("http://127.0.0.1:1", "k", null, "canonical", "none", Duration.ofSeconds(1));
    JsonNode body = MAPPER.readTree(client.requestBody(List.of(record())));
    assertEquals("none", body.path("explain").asText());
    assertTrue(body.path("schema").isMissingNode(), "no schema: the server's production flow model");
    JsonNode r = body.path("records").get(0);
    List<String> names = List.of("flow_id", "start_time", "end_time", "src_ip", "src_port", "dst_ip", "dst_port",
        "protocol", "duration_ms", "fwd_packets", "bwd_packets", "fwd_bytes", "bwd_bytes", "bytes_per_s",
        "packets_per_s", "mean_iat_ms", "syn_count", "rst_count");
    List<String> got = new ArrayList<>();
    r.fieldNames().forEachRemaining(got::add);
    assertEquals(names, got);
    assertEquals("C1", r.path("flow_id").asText());
    assertEquals("2023-11-14T22:13:20.500Z", r.path("start_time").asText());
    assertTrue(r.path("bytes_per_s").isNull(), "zero duration: rate missing");
    assertEquals(1, r.path("syn_count").asInt(), "history Sr: one SYN");
    assertEquals(1, r.path("rst_count").asInt());
  }

  @Test
  void zeekRequestsCarryTheZeekConnColumns() throws Exception {
    ScoringApiClient client = new ScoringApiClient("http://127.0.0.1:1", "k", "zeek-conn", "zeek", "alerts", Duration.ofSeconds(1));
    byte[] bytes = client.requestBody(List.of(record()));
    JsonNode body = MAPPER.readTree(bytes);
    assertEquals("zeek-conn", body.path("schema").asText());
    assertEquals("alerts", body.path("explain").asText());
    JsonNode r = body.path("records").get(0);
    assertEquals(22, r.path("id.resp_p").asInt());
    assertEquals("REJ", r.path("conn_state").asText());
    assertTrue(r.path("orig_ip_bytes").isNull());
    String raw = new String(bytes, StandardCharsets.UTF_8);
    assertTrue(raw.contains("\"ts\":1700000000.500,"), () -> "epoch seconds, exact, never in E notation: " + raw);
  }

  @Test
  void interpretsEachKindOfAnswer() {
    String ok = """
        {"model":{"id":"m","kind":"synthetic-flows","version":1,"threshold":0.5},
         "predictions":[{"verdict":"attack","probability":0.9,"category":"attack","riskScore":90,"topFeatures":[],
                         "modelId":"m","modelVersion":1}],"summary":{}}""";
    var scored = assertInstanceOf(ScoringApiClient.Scored.class, ScoringApiClient.interpret(200, ok, 0, 1));
    assertEquals(90, scored.predictions().get(0).riskScore());
    assertEquals("synthetic-flows", scored.modelKind());
    assertEquals("[]", scored.predictions().get(0).topFeatures());
    assertInstanceOf(ScoringApiClient.Fatal.class, ScoringApiClient.interpret(200, ok, 0, 2), "count mismatch");

    var rejected = assertInstanceOf(ScoringApiClient.RecordRejected.class, ScoringApiClient.interpret(400,
        "{\"error\":{\"code\":\"VALIDATION_FAILED\",\"message\":\"bad\",\"path\":\"records.3.id.resp_p\"}}", 0, 5));
    assertEquals(3, rejected.index());
    assertEquals("validation-failed", rejected.code());
    assertInstanceOf(ScoringApiClient.BatchRejected.class, ScoringApiClient.interpret(422,
        "{\"error\":{\"code\":\"SCHEMA_MISMATCH\",\"message\":\"m\",\"path\":\"records.0.x\"}}", 0, 5));
    var retry = assertInstanceOf(ScoringApiClient.Retryable.class, ScoringApiClient.interpret(429,
        "{\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\"}}", 2000, 5));
    assertEquals(2000, retry.retryAfterMs());
    assertInstanceOf(ScoringApiClient.Retryable.class, ScoringApiClient.interpret(503, "<html>bad gateway</html>", 0, 5));
    var fatal = assertInstanceOf(ScoringApiClient.Fatal.class, ScoringApiClient.interpret(401,
        "{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"bad key\"}}", 0, 5));
    assertTrue(fatal.reason().contains("HTTP 401 UNAUTHENTICATED: bad key"), fatal::reason);
  }
}
