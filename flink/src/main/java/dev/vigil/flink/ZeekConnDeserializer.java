package dev.vigil.flink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka record (a Zeek conn JSON line) → {@link ConnEvent}. Normalising inside the source lets the
 * watermark strategy read each flow's own timestamp per Kafka partition. Never throws: a bad line
 * becomes a dead letter with the reason and its position. An empty value (a tombstone) is a dead
 * letter too, so every input offset is accounted for.
 */
public class ZeekConnDeserializer implements KafkaRecordDeserializationSchema<ConnEvent> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ConnEvent> out) {
    String topic = record.topic();
    int partition = record.partition();
    long offset = record.offset();
    String line = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    DeadLetter dead;
    if (line == null || line.isBlank()) {
      dead = DeadLetter.of("normalise", "empty-message", "empty record", line, topic, partition, offset);
    } else {
      try {
        FlowRecord flow = ZeekConnNormaliser.normalise(line, DeadLetter.positionKey(topic, partition, offset));
        out.collect(ConnEvent.flow(flow, record.timestamp()));
        return;
      } catch (MalformedRecordException e) {
        dead = DeadLetter.of("normalise", e.code(), e.getMessage(), line, topic, partition, offset);
      } catch (RuntimeException e) {
        // A bug in the normaliser must not stop the stream either; the reason says what happened.
        dead = DeadLetter.of("normalise", "internal", "unexpected error: " + e, line, topic, partition, offset);
      }
    }
    out.collect(ConnEvent.deadLetter(dead, record.timestamp()));
  }

  @Override
  public TypeInformation<ConnEvent> getProducedType() {
    return TypeInformation.of(ConnEvent.class);
  }
}
