package dev.vigil.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The JSON the job writes to Kafka. Verdicts and dead letters are keyed by the input's Kafka position
 * ({@code kafka:<topic>:<partition>:<offset>}, the same on every replay: a consumer can upsert on it,
 * which makes an at-least-once replay harmless), features by source address. Records carry no event-time timestamp (the broker stamps them): replaying
 * old traffic must not make Kafka's time-based retention delete fresh verdicts.
 */
public final class OutputJson {
  private static final JsonFactory JSON = new JsonFactory();

  private OutputJson() {}

  /**
   * A verdict in the shape of the TypeScript stream service's ({@code VerdictMessage} in
   * apps/server/src/stream/kafka-sink.ts), so both write one format to {@code vigil.verdicts}: {@code
   * key, flowId, at, source: "flink", model {id, kind, version}, verdict, probability, category,
   * riskScore, srcIp, dstIp, srcPort, dstPort, protocol, topFeatures}, plus the flow's {@code
   * startTime}.
   */
  public static String verdict(ScoredFlow s) {
    return write(g -> {
      FlowRecord r = s.flow;
      g.writeStringField("key", r.key);
      if (r.uid == null) g.writeNullField("flowId");
      else g.writeStringField("flowId", r.uid);
      g.writeStringField("at", Instant.ofEpochMilli(s.scoredAt).toString());
      g.writeStringField("source", "flink");
      g.writeObjectFieldStart("model");
      g.writeStringField("id", s.modelId);
      g.writeStringField("kind", s.modelKind);
      g.writeNumberField("version", s.modelVersion);
      g.writeEndObject();
      g.writeStringField("verdict", s.verdict);
      g.writeNumberField("probability", s.probability);
      g.writeStringField("category", s.category);
      g.writeNumberField("riskScore", s.riskScore);
      g.writeStringField("srcIp", r.srcIp);
      g.writeStringField("dstIp", r.dstIp);
      g.writeNumberField("srcPort", r.srcPort);
      g.writeNumberField("dstPort", r.dstPort);
      g.writeStringField("protocol", r.protocol);
      g.writeFieldName("topFeatures");
      g.writeRawValue(s.topFeatures == null ? "[]" : s.topFeatures);
      g.writeStringField("startTime", Instant.ofEpochMilli(r.tsMillis).toString());
    });
  }

  /**
   * {@code {key, code, reason, source: "flink", at, payload, stage, topic?, partition?, offset?}}: the
   * TypeScript stream service's dead-letter shape plus the stage and input position.
   */
  public static String deadLetter(DeadLetter d) {
    return write(g -> {
      g.writeStringField("key", d.key);
      g.writeStringField("code", d.code);
      g.writeStringField("reason", d.reason);
      g.writeStringField("source", "flink");
      g.writeStringField("at", Instant.ofEpochMilli(d.at).toString());
      if (d.payload == null) g.writeNullField("payload");
      else g.writeStringField("payload", d.payload);
      g.writeStringField("stage", d.stage);
      if (d.topic != null) {
        g.writeStringField("topic", d.topic);
        g.writeNumberField("partition", d.partition);
        g.writeNumberField("offset", d.offset);
      }
    });
  }

  /** {@code {src_ip, windowStart, windowEnd (epoch ms), connections, …, portScanSuspect, hostSweepSuspect}}. */
  public static String stats(SourceWindowStats s) {
    return write(g -> {
      g.writeStringField("src_ip", s.srcIp);
      g.writeNumberField("windowStart", s.windowStart);
      g.writeNumberField("windowEnd", s.windowEnd);
      g.writeNumberField("connections", s.connections);
      g.writeNumberField("failedConnections", s.failedConnections);
      g.writeNumberField("distinctDstPorts", s.distinctDstPorts);
      g.writeNumberField("distinctDstHosts", s.distinctDstHosts);
      g.writeBooleanField("portScanSuspect", s.portScanSuspect);
      g.writeBooleanField("hostSweepSuspect", s.hostSweepSuspect);
    });
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** Verdicts keyed by the input's position. */
  public static final class VerdictSerializer implements KafkaRecordSerializationSchema<ScoredFlow> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public VerdictSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ScoredFlow s, KafkaSinkContext ctx, Long timestamp) {
      return new ProducerRecord<>(topic, null, null, utf8(s.flow.key), utf8(verdict(s)));
    }
  }

  /** Dead letters keyed by the input's position. */
  public static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeadLetterSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext ctx, Long timestamp) {
      return new ProducerRecord<>(topic, null, null, utf8(d.key), utf8(deadLetter(d)));
    }
  }

  /** Window aggregates keyed by source address. */
  public static final class StatsSerializer implements KafkaRecordSerializationSchema<SourceWindowStats> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public StatsSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(SourceWindowStats s, KafkaSinkContext ctx, Long timestamp) {
      return new ProducerRecord<>(topic, null, null, utf8(s.srcIp), utf8(stats(s)));
    }
  }
}
