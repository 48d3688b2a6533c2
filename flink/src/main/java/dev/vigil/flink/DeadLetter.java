package dev.vigil.flink;

import java.io.Serializable;

/**
 * A record the job could not score, with the reason: written to the dead-letter topic instead of
 * failing the job, in the shape of the TypeScript stream service's dead letters ({@code key, code,
 * reason, source, at, payload}) plus where it was rejected ({@code stage}: {@code normalise}, not a
 * usable Zeek conn entry; {@code score}, the scoring API rejected the record) and its input position.
 */
public class DeadLetter implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Payloads are cut to this many characters so one huge line cannot stall the dead-letter topic. */
  static final int MAX_PAYLOAD = 64 * 1024;

  /** {@code kafka:<topic>:<partition>:<offset>} of the input. */
  public String key;
  public String code;
  public String reason;
  public String stage;
  /** The input line (normalise stage) or the record sent to the API (score stage). */
  public String payload;
  public String topic;
  public int partition;
  public long offset;
  /** When the record was rejected, epoch milliseconds. */
  public long at;

  public DeadLetter() {}

  public static DeadLetter of(String stage, String code, String reason, String payload, String topic, int partition, long offset) {
    DeadLetter d = new DeadLetter();
    d.key = positionKey(topic, partition, offset);
    d.stage = stage;
    d.code = code;
    d.reason = reason;
    d.payload = payload != null && payload.length() > MAX_PAYLOAD ? payload.substring(0, MAX_PAYLOAD) : payload;
    d.topic = topic;
    d.partition = partition;
    d.offset = offset;
    d.at = System.currentTimeMillis();
    return d;
  }

  /** The key of the record at a Kafka position, as the TypeScript stream service writes it. */
  public static String positionKey(String topic, int partition, long offset) {
    return "kafka:" + topic + ":" + partition + ":" + offset;
  }
}
