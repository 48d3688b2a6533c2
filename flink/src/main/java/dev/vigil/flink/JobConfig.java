package dev.vigil.flink;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job's settings, from {@code --name value} arguments, then the environment ({@code
 * VIGIL_FLINK_NAME}, plus {@code KAFKA_BROKERS}, {@code VIGIL_API_URL} and {@code VIGIL_API_KEY}),
 * then defaults. Read once in {@code main}; a bad value stops the job before it is submitted, with a
 * message naming the option. The API key is best passed through the environment (a Kubernetes
 * Secret): when no {@code --api-key} argument is given, the scoring operator reads {@code
 * VIGIL_API_KEY} on the task manager, so the key is in neither the job arguments nor the job graph.
 */
public final class JobConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Option name → default (null: none), in the order {@code --help} lists them. */
  static final Map<String, String> OPTIONS = new LinkedHashMap<>();

  static {
    OPTIONS.put("bootstrap-servers", "127.0.0.1:9092");
    OPTIONS.put("input-topic", "vigil.zeek.conn");
    OPTIONS.put("output-topic", "vigil.verdicts");
    OPTIONS.put("dlq-topic", "vigil.flows.dlq");
    OPTIONS.put("features-topic", "vigil.flow-features");
    OPTIONS.put("group-id", "vigil-flink");
    OPTIONS.put("starting-offsets", "committed");
    OPTIONS.put("api-url", "http://127.0.0.1:8080");
    OPTIONS.put("api-key", null);
    OPTIONS.put("schema", null);
    OPTIONS.put("record-format", "canonical");
    OPTIONS.put("explain", "alerts");
    OPTIONS.put("batch-size", "500");
    OPTIONS.put("batch-wait-ms", "50");
    OPTIONS.put("request-timeout-ms", "10000");
    OPTIONS.put("max-attempts", "5");
    OPTIONS.put("initial-backoff-ms", "200");
    OPTIONS.put("max-backoff-ms", "5000");
    OPTIONS.put("capacity", null);
    OPTIONS.put("window-seconds", "60");
    OPTIONS.put("max-out-of-orderness-seconds", "5");
    OPTIONS.put("idle-timeout-seconds", "60");
    OPTIONS.put("scan-port-threshold", "20");
    OPTIONS.put("sweep-host-threshold", "20");
    OPTIONS.put("checkpoint-interval-ms", "10000");
    OPTIONS.put("delivery", "at-least-once");
    OPTIONS.put("transaction-timeout-ms", "600000");
  }

  private static final Map<String, String> ENV_ALIASES =
      Map.of("bootstrap-servers", "KAFKA_BROKERS", "api-url", "VIGIL_API_URL", "api-key", "VIGIL_API_KEY");

  public String bootstrapServers;
  public String inputTopic;
  public String outputTopic;
  public String dlqTopic;
  public String featuresTopic;
  public String groupId;
  /** committed (falls back to earliest for a new group), earliest or latest. */
  public String startingOffsets;
  public String apiUrl;
  /** Null: read {@code VIGIL_API_KEY} where the scoring operator runs. */
  public String apiKey;
  /** Flow schema sent with each request; null lets the server pick its single production flow model. */
  public String schema;
  /** canonical (synthetic-flows feature names) or zeek (the zeek-conn schema's columns). */
  public String recordFormat;
  /** Which verdicts carry topFeatures: alerts (attacks, the API's default), all or none. */
  public String explain;
  public int batchSize;
  public long batchWaitMs;
  public long requestTimeoutMs;
  public int maxAttempts;
  public long initialBackoffMs;
  public long maxBackoffMs;
  /** In-flight records per async subtask (buffered + being scored). */
  public int capacity;
  public long windowSeconds;
  public long maxOutOfOrdernessSeconds;
  public long idleTimeoutSeconds;
  public int scanPortThreshold;
  public int sweepHostThreshold;
  public long checkpointIntervalMs;
  /** at-least-once or exactly-once (Kafka transactions committed on checkpoints). */
  public String delivery;
  public long transactionTimeoutMs;

  /** Parses arguments and environment; throws {@link IllegalArgumentException} naming a bad option. */
  public static JobConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument \"" + a + "\"; options are --name value");
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
        value = args[++i];
      }
      if (!OPTIONS.containsKey(name)) throw new IllegalArgumentException("unknown option --" + name + "; known: " + OPTIONS.keySet());
      given.put(name, value);
    }
    Map<String, String> v = new HashMap<>();
    for (Map.Entry<String, String> o : OPTIONS.entrySet()) {
      String name = o.getKey();
      String value = given.get(name);
      if (value == null) value = blankToNull(env.get(envName(name)));
      if (value == null && ENV_ALIASES.containsKey(name)) value = blankToNull(env.get(ENV_ALIASES.get(name)));
      if (value == null) value = o.getValue();
      v.put(name, value);
    }
    JobConfig c = new JobConfig();
    c.bootstrapServers = text(v, "bootstrap-servers");
    c.inputTopic = text(v, "input-topic");
    c.outputTopic = text(v, "output-topic");
    c.dlqTopic = text(v, "dlq-topic");
    c.featuresTopic = text(v, "features-topic");
    c.groupId = text(v, "group-id");
    c.startingOffsets = oneOf(v, "starting-offsets", "committed", "earliest", "latest");
    c.apiUrl = url(v, "api-url");
    c.apiKey = v.get("api-key");
    c.schema = v.get("schema");
    c.recordFormat = oneOf(v, "record-format", "canonical", "zeek");
    c.explain = oneOf(v, "explain", "alerts", "all", "none");
    c.batchSize = (int) number(v, "batch-size", 1, 10_000);
    c.batchWaitMs = number(v, "batch-wait-ms", 0, 60_000);
    c.requestTimeoutMs = number(v, "request-timeout-ms", 100, 600_000);
    c.maxAttempts = (int) number(v, "max-attempts", 1, 100);
    c.initialBackoffMs = number(v, "initial-backoff-ms", 1, 600_000);
    c.maxBackoffMs = number(v, "max-backoff-ms", c.initialBackoffMs, 600_000);
    c.capacity = v.get("capacity") == null ? c.batchSize * 4 : (int) number(v, "capacity", 1, 1_000_000);
    c.windowSeconds = number(v, "window-seconds", 1, 86_400);
    c.maxOutOfOrdernessSeconds = number(v, "max-out-of-orderness-seconds", 0, 86_400);
    c.idleTimeoutSeconds = number(v, "idle-timeout-seconds", 0, 86_400);
    c.scanPortThreshold = (int) number(v, "scan-port-threshold", 1, 65_536);
    c.sweepHostThreshold = (int) number(v, "sweep-host-threshold", 1, 1_000_000);
    c.checkpointIntervalMs = number(v, "checkpoint-interval-ms", 100, 3_600_000);
    c.delivery = oneOf(v, "delivery", "at-least-once", "exactly-once");
    c.transactionTimeoutMs = number(v, "transaction-timeout-ms", 1_000, 3_600_000);
    return c;
  }

  /** The environment variable of an option: {@code VIGIL_FLINK_BATCH_SIZE} for {@code batch-size}. */
  static String envName(String option) {
    return "VIGIL_FLINK_" + option.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /**
   * How long Flink lets one record wait for its score before failing the job (which then restarts
   * from the last checkpoint): the batch wait plus every attempt with its backoff, with a margin.
   */
  public long asyncTimeoutMs() {
    return batchWaitMs + (long) maxAttempts * (requestTimeoutMs + maxBackoffMs) + 10_000L;
  }

  public Duration windowSize() {
    return Duration.ofSeconds(windowSeconds);
  }

  public boolean exactlyOnce() {
    return "exactly-once".equals(delivery);
  }

  /** Settings for the log, without the API key. */
  @Override
  public String toString() {
    return "JobConfig{kafka=" + bootstrapServers + ", in=" + inputTopic + ", out=" + outputTopic + ", dlq=" + dlqTopic
        + ", features=" + featuresTopic + ", group=" + groupId + ", api=" + apiUrl + ", apiKey="
        + (apiKey == null ? "(from env)" : "(given)") + ", schema=" + schema + ", format=" + recordFormat
        + ", batch=" + batchSize + "/" + batchWaitMs + "ms, attempts=" + maxAttempts + ", capacity=" + capacity
        + ", window=" + windowSeconds + "s, delivery=" + delivery + "}";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String text(Map<String, String> v, String name) {
    String s = v.get(name);
    if (s == null || s.isBlank()) throw new IllegalArgumentException("--" + name + " must not be empty");
    return s;
  }

  private static String oneOf(Map<String, String> v, String name, String... allowed) {
    String s = text(v, name);
    for (String a : allowed) if (a.equals(s)) return s;
    throw new IllegalArgumentException("--" + name + " must be one of " + String.join(", ", allowed) + ", got \"" + s + "\"");
  }

  private static long number(Map<String, String> v, String name, long min, long max) {
    String s = text(v, name);
    long n;
    try {
      n = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got \"" + s + "\"");
    }
    if (n < min || n > max) throw new IllegalArgumentException("--" + name + " must be in " + min + ".." + max + ", got " + n);
    return n;
  }

  private static String url(Map<String, String> v, String name) {
    String s = text(v, name);
    try {
      URI u = URI.create(s);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " must be an http(s) URL, got \"" + s + "\"");
  }
}
