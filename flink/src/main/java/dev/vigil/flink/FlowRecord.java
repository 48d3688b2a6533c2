package dev.vigil.flink;

import java.io.Serializable;

/**
 * Vigil's canonical flow record, as the normaliser builds it from one Zeek conn entry: the 5-tuple,
 * the connection's identity and timing, and the CICFlowMeter-like statistics that Vigil's flow models
 * read (the {@code synthetic-flows} feature names). The raw Zeek fields the canonical names do not
 * cover (service, conn_state, history) are kept for the aggregates and the {@code zeek} request format.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so that state and the async operator's in-flight
 * buffer are checkpointed with Flink's POJO serializer rather than Kryo. Boxed numbers are null when
 * undefined (the rates of a zero-length flow), which the scoring API reads as missing values.
 */
public class FlowRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Where the record came from, {@code kafka:<topic>:<partition>:<offset>}: unique per input and the
   * same on every replay, so it keys the verdict (as in Vigil's TypeScript stream service).
   */
  public String key;
  /** Zeek's connection uid (the canonical record's flow_id); null when the entry has none. */
  public String uid;
  /** Start of the connection, epoch milliseconds (Zeek's {@code ts} × 1000): the event time. */
  public long tsMillis;

  public String srcIp;
  public int srcPort;
  public String dstIp;
  public int dstPort;
  /** Lower-case transport protocol: tcp, udp, icmp, … */
  public String protocol;

  public String service;
  public String connState;
  public String history;

  public double durationMs;
  public long fwdPackets;
  public long bwdPackets;
  public long fwdBytes;
  public long bwdBytes;
  public Double bytesPerS;
  public Double packetsPerS;
  public double meanIatMs;
  public int synCount;
  public int rstCount;

  /** Zeek's own counters, for the {@code zeek} request format; null when Zeek left them unset. */
  public Long missedBytes;
  public Long origIpBytes;
  public Long respIpBytes;

  public FlowRecord() {}

  /** Zeek conn states of a connection that was never established (refused, unanswered, reset early). */
  public boolean failedConnection() {
    if (connState == null) return false;
    return switch (connState) {
      case "S0", "REJ", "RSTOS0", "RSTRH", "SH", "SHR", "OTH" -> true;
      default -> false;
    };
  }

  @Override
  public String toString() {
    return "FlowRecord{" + key + " " + srcIp + ":" + srcPort + " -> " + dstIp + ":" + dstPort + "/" + protocol + "}";
  }
}
