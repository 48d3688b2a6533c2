package dev.vigil.flink;

import java.io.Serializable;

/**
 * Per-source aggregates over one event-time window, the features the job emits to the features
 * topic: how many connections a source opened, how many failed, and how many distinct destination
 * ports and hosts it touched. A source touching many ports is a port-scan suspect, many hosts a
 * host-sweep suspect (thresholds {@code scan-port-threshold} and {@code sweep-host-threshold}).
 */
public class SourceWindowStats implements Serializable {
  private static final long serialVersionUID = 1L;

  public String srcIp;
  public long windowStart;
  public long windowEnd;
  public long connections;
  public long failedConnections;
  public int distinctDstPorts;
  public int distinctDstHosts;
  public boolean portScanSuspect;
  public boolean hostSweepSuspect;

  public SourceWindowStats() {}
}
