package dev.vigil.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client of Vigil's batch scoring API, {@code POST /api/v1/predict/flows} (1 to 10,000 records per
 * call, predictions in record order), on {@link HttpClient}'s non-blocking {@code sendAsync}. It turns
 * each answer into an {@link Outcome} that says what the caller should do: use the predictions, drop
 * one record the API rejected and send the rest again, drop the batch, retry later, or give up.
 */
public final class ScoringApiClient {
  /** One prediction, as the API returns it; {@code topFeatures} is its JSON array. */
  public record Prediction(String verdict, double probability, int riskScore, String category, String modelId,
      int modelVersion, String topFeatures) {}

  /** What one call came to. */
  public sealed interface Outcome permits Scored, RecordRejected, BatchRejected, Retryable, Fatal {}

  /** Scored: one prediction per record, in order, by a model of {@code modelKind}. */
  public record Scored(List<Prediction> predictions, String modelKind) implements Outcome {}

  /** The API named one bad record ({@code records.<i>.<field>}): dead-letter it, send the others again. */
  public record RecordRejected(int index, String code, String reason) implements Outcome {}

  /** The records do not fit the production model (SCHEMA_MISMATCH): all of them are dead letters. */
  public record BatchRejected(String code, String reason) implements Outcome {}

  /** Transient (network, timeout, 429, 5xx): try again after a backoff, at least {@code retryAfterMs}. */
  public record Retryable(String reason, long retryAfterMs) implements Outcome {}

  /** Not worth retrying (bad API key, unknown schema, …): the job fails and restarts from its checkpoint. */
  public record Fatal(String reason) implements Outcome {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = MAPPER.getFactory();
  private static final Pattern RECORD_PATH = Pattern.compile("^records\\.(\\d+)(?:\\.|$)");

  private final HttpClient http;
  private final URI endpoint;
  private final String authorization;
  private final String schema;
  private final boolean zeekFormat;
  private final String explain;
  private final Duration requestTimeout;

  public ScoringApiClient(
      String apiUrl, String apiKey, String schema, String recordFormat, String explain, Duration requestTimeout) {
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(Math.min(requestTimeout.toMillis(), 10_000)))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.endpoint = URI.create(apiUrl + "/api/v1/predict/flows");
    this.authorization = "Bearer " + apiKey;
    this.schema = schema;
    this.zeekFormat = "zeek".equals(recordFormat);
    this.explain = explain;
    this.requestTimeout = requestTimeout;
  }

  /** Scores {@code records} (1..10,000); the future never fails: errors are {@link Outcome}s. */
  public CompletableFuture<Outcome> score(List<FlowRecord> records) {
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .timeout(requestTimeout)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(requestBody(records)))
        .build();
    // orTimeout as well as the request's own timeout: the answer must come even if the client's
    // connection handling stalls, since a future that never completes strands its records until the
    // async operator's much longer timeout fails the whole job.
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .orTimeout(requestTimeout.toMillis() + 2_000, TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            return new Retryable("scoring API unreachable: " + cause, 0L);
          }
          long retryAfter = response.headers().firstValue("retry-after").map(ScoringApiClient::seconds).orElse(0L);
          return interpret(response.statusCode(), response.body(), retryAfter, records.size());
        });
  }

  /** Maps an HTTP answer to an {@link Outcome}. */
  static Outcome interpret(int status, String body, long retryAfterMs, int expected) {
    if (status == 200) {
      try {
        JsonNode root = MAPPER.readTree(body);
        return new Scored(parsePredictions(root, expected), root.path("model").path("kind").asText(""));
      } catch (IOException | RuntimeException e) {
        return new Fatal("unexpected scoring API response: " + e.getMessage());
      }
    }
    String code = "";
    String message = body == null ? "" : body;
    String path = null;
    try {
      JsonNode error = MAPPER.readTree(body).path("error");
      code = error.path("code").asText("");
      message = error.path("message").asText(message);
      path = error.path("path").isTextual() ? error.path("path").asText() : null;
    } catch (IOException | RuntimeException e) {
      // not Vigil's error body (a proxy's page): keep the raw text
    }
    if (message.length() > 500) message = message.substring(0, 500);
    String reason = "HTTP " + status + (code.isEmpty() ? "" : " " + code) + ": " + message;
    if (status == 408 || status == 429 || status >= 500) return new Retryable(reason, retryAfterMs);
    Matcher m = path == null ? null : RECORD_PATH.matcher(path);
    if (m != null && m.find()) {
      String lower = code.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      if ("SCHEMA_MISMATCH".equals(code)) return new BatchRejected(lower, reason);
      int index = Integer.parseInt(m.group(1));
      if (index < expected) return new RecordRejected(index, lower, reason);
    }
    if (status == 413) return new Fatal(reason + " (lower --batch-size)");
    return new Fatal(reason);
  }

  private static List<Prediction> parsePredictions(JsonNode root, int expected) throws IOException {
    JsonNode predictions = root.path("predictions");
    if (!predictions.isArray() || predictions.size() != expected) {
      throw new IOException("expected " + expected + " predictions, got " + (predictions.isArray() ? predictions.size() : "none"));
    }
    List<Prediction> out = new ArrayList<>(expected);
    for (JsonNode p : predictions) {
      out.add(new Prediction(
          p.path("verdict").asText(),
          p.path("probability").asDouble(),
          p.path("riskScore").asInt(),
          p.path("category").asText(),
          p.path("modelId").asText(),
          p.path("modelVersion").asInt(),
          p.path("topFeatures").isArray() ? p.path("topFeatures").toString() : "[]"));
    }
    return out;
  }

  private static long seconds(String retryAfter) {
    try {
      return Math.max(0L, Long.parseLong(retryAfter.trim()) * 1000L);
    } catch (NumberFormatException e) {
      return 0L;
    }
  }

  /** The request body: {@code {"schema"?, "explain", "records": [...]}}. */
  byte[] requestBody(List<FlowRecord> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + records.size() * 320);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (schema != null) g.writeStringField("schema", schema);
      g.writeStringField("explain", explain);
      g.writeArrayFieldStart("records");
      for (FlowRecord r : records) writeRecord(g, r, zeekFormat);
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** One record as the API receives it in {@code recordFormat}, for the dead-letter topic. */
  static String recordJson(FlowRecord r, String recordFormat) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      writeRecord(g, r, "zeek".equals(recordFormat));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * canonical: Vigil's canonical flow record (flow_id, start_time, end_time, the 5-tuple and the
   * synthetic-flows feature names; packages/detect canonical-flow.ts); zeek: the columns of Vigil's
   * zeek-conn schema. Only fields the server knows, since it rejects unknown ones.
   */
  static void writeRecord(JsonGenerator g, FlowRecord r, boolean zeek) throws IOException {
    g.writeStartObject();
    if (zeek) {
      g.writeNumberField("ts", java.math.BigDecimal.valueOf(r.tsMillis, 3)); // epoch seconds, as Zeek writes them
      if (r.uid != null) g.writeStringField("uid", r.uid);
      g.writeStringField("id.orig_h", r.srcIp);
      g.writeNumberField("id.orig_p", r.srcPort);
      g.writeStringField("id.resp_h", r.dstIp);
      g.writeNumberField("id.resp_p", r.dstPort);
      g.writeStringField("proto", r.protocol);
      writeNullable(g, "service", r.service);
      g.writeNumberField("duration", r.durationMs / 1000.0);
      g.writeNumberField("orig_bytes", r.fwdBytes);
      g.writeNumberField("resp_bytes", r.bwdBytes);
      writeNullable(g, "conn_state", r.connState);
      writeNullable(g, "history", r.history);
      writeNullable(g, "missed_bytes", r.missedBytes);
      g.writeNumberField("orig_pkts", r.fwdPackets);
      writeNullable(g, "orig_ip_bytes", r.origIpBytes);
      g.writeNumberField("resp_pkts", r.bwdPackets);
      writeNullable(g, "resp_ip_bytes", r.respIpBytes);
    } else {
      g.writeStringField("flow_id", r.uid != null ? r.uid : r.key);
      g.writeStringField("start_time", Instant.ofEpochMilli(r.tsMillis).toString());
      g.writeStringField("end_time", Instant.ofEpochMilli(r.tsMillis + (long) Math.floor(r.durationMs)).toString());
      g.writeStringField("src_ip", r.srcIp);
      g.writeNumberField("src_port", r.srcPort);
      g.writeStringField("dst_ip", r.dstIp);
      g.writeNumberField("dst_port", r.dstPort);
      g.writeStringField("protocol", r.protocol);
      g.writeNumberField("duration_ms", r.durationMs);
      g.writeNumberField("fwd_packets", r.fwdPackets);
      g.writeNumberField("bwd_packets", r.bwdPackets);
      g.writeNumberField("fwd_bytes", r.fwdBytes);
      g.writeNumberField("bwd_bytes", r.bwdBytes);
      writeNullable(g, "bytes_per_s", r.bytesPerS);
      writeNullable(g, "packets_per_s", r.packetsPerS);
      g.writeNumberField("mean_iat_ms", r.meanIatMs);
      g.writeNumberField("syn_count", r.synCount);
      g.writeNumberField("rst_count", r.rstCount);
    }
    g.writeEndObject();
  }

  private static void writeNullable(JsonGenerator g, String name, Object v) throws IOException {
    if (v == null) g.writeNullField(name);
    else if (v instanceof String s) g.writeStringField(name, s);
    else if (v instanceof Long l) g.writeNumberField(name, l);
    else g.writeNumberField(name, (Double) v);
  }
}
