package dev.vigil.flink;

import java.io.Serializable;
import java.util.HashSet;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Incremental per-source window aggregation: the window keeps one small accumulator per source (not
 * the records), and {@link Emit} stamps the key, window bounds and suspicion flags when it fires.
 */
public final class SourceWindowAggregator
    implements AggregateFunction<FlowRecord, SourceWindowAggregator.Acc, SourceWindowAggregator.Acc> {
  private static final long serialVersionUID = 1L;
  /** Distinct hosts remembered per source and window; beyond it the count stays at the cap. */
  static final int MAX_HOSTS = 100_000;

  /** Accumulator: counters and the distinct destination ports (as a bit set) and hosts. */
  public static final class Acc implements Serializable {
    private static final long serialVersionUID = 1L;
    public long connections;
    public long failed;
    public java.util.BitSet ports = new java.util.BitSet(1024);
    public HashSet<String> hosts = new HashSet<>();
  }

  @Override
  public Acc createAccumulator() {
    return new Acc();
  }

  @Override
  public Acc add(FlowRecord r, Acc acc) {
    acc.connections++;
    if (r.failedConnection()) acc.failed++;
    acc.ports.set(r.dstPort);
    if (acc.hosts.size() < MAX_HOSTS) acc.hosts.add(r.dstIp);
    return acc;
  }

  @Override
  public Acc getResult(Acc acc) {
    return acc;
  }

  @Override
  public Acc merge(Acc a, Acc b) {
    a.connections += b.connections;
    a.failed += b.failed;
    a.ports.or(b.ports);
    for (String h : b.hosts) if (a.hosts.size() < MAX_HOSTS) a.hosts.add(h);
    return a;
  }

  /** Turns the window's accumulator into {@link SourceWindowStats}. */
  public static final class Emit extends ProcessWindowFunction<Acc, SourceWindowStats, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final int scanPortThreshold;
    private final int sweepHostThreshold;

    public Emit(int scanPortThreshold, int sweepHostThreshold) {
      this.scanPortThreshold = scanPortThreshold;
      this.sweepHostThreshold = sweepHostThreshold;
    }

    @Override
    public void process(String srcIp, Context ctx, Iterable<Acc> accs, Collector<SourceWindowStats> out) {
      Acc acc = accs.iterator().next();
      SourceWindowStats s = new SourceWindowStats();
      s.srcIp = srcIp;
      s.windowStart = ctx.window().getStart();
      s.windowEnd = ctx.window().getEnd();
      s.connections = acc.connections;
      s.failedConnections = acc.failed;
      s.distinctDstPorts = acc.ports.cardinality();
      s.distinctDstHosts = acc.hosts.size();
      s.portScanSuspect = s.distinctDstPorts >= scanPortThreshold;
      s.hostSweepSuspect = s.distinctDstHosts >= sweepHostThreshold;
      out.collect(s);
    }
  }
}
