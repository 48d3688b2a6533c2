package dev.vigil.flink;

import java.io.Serializable;

/**
 * What the Kafka source emits per input line: a normalised flow, or a dead letter when the line was
 * malformed. One stream of both keeps per-partition watermarks at the source (see {@link
 * ZeekConnDeserializer}); the next operator splits them.
 */
public class ConnEvent implements Serializable {
  private static final long serialVersionUID = 1L;

  public FlowRecord flow;
  public DeadLetter deadLetter;
  /** Kafka record timestamp, the event time of a dead letter. */
  public long kafkaTimestamp;

  public ConnEvent() {}

  static ConnEvent flow(FlowRecord flow, long kafkaTimestamp) {
    ConnEvent e = new ConnEvent();
    e.flow = flow;
    e.kafkaTimestamp = kafkaTimestamp;
    return e;
  }

  static ConnEvent deadLetter(DeadLetter deadLetter, long kafkaTimestamp) {
    ConnEvent e = new ConnEvent();
    e.deadLetter = deadLetter;
    e.kafkaTimestamp = kafkaTimestamp;
    return e;
  }

  /** Event time: the flow's start, or the Kafka timestamp of a malformed line. */
  long eventTime() {
    return flow != null ? flow.tsMillis : kafkaTimestamp;
  }
}
