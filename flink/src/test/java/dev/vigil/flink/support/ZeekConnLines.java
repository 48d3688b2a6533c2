package dev.vigil.flink.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Zeek conn.log JSON lines for the tests: web and DNS traffic, port-scan probes, malformed lines. */
public final class ZeekConnLines {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** A minute boundary (epoch seconds divisible by 60), so that a 60 s window starts here. */
  public static final long T0 = 1_699_999_980L;

  private ZeekConnLines() {}

  private static ObjectNode conn(String uid, double ts, String src, int sport, String dst, int dport, String proto) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("ts", ts);
    n.put("uid", uid);
    n.put("id.orig_h", src);
    n.put("id.orig_p", sport);
    n.put("id.resp_h", dst);
    n.put("id.resp_p", dport);
    n.put("proto", proto);
    return n;
  }

  /** An HTTPS session (i even) or a DNS lookup (i odd) from one of eight hosts. */
  public static String benign(String uid, int i, double ts) {
    String src = "10.1.0." + (1 + i % 8);
    if (i % 2 == 1) {
      ObjectNode n = conn(uid, ts, src, 50_000 + i, "10.1.0.53", 53, "udp");
      n.put("service", "dns");
      n.put("duration", 0.018 + (i % 5) * 0.003);
      n.put("orig_bytes", 44 + i % 7);
      n.put("resp_bytes", 120 + i % 30);
      n.put("conn_state", "SF");
      n.put("missed_bytes", 0);
      n.put("history", "Dd");
      n.put("orig_pkts", 1);
      n.put("orig_ip_bytes", 72 + i % 7);
      n.put("resp_pkts", 1);
      n.put("resp_ip_bytes", 148 + i % 30);
      return n.toString();
    }
    ObjectNode n = conn(uid, ts, src, 40_000 + i, "93.184.216." + (1 + i % 4), 443, "tcp");
    n.put("service", "ssl");
    n.put("duration", 1.2 + (i % 5) * 0.4);
    int fwd = 8 + i % 5;
    int bwd = 11 + i % 7;
    n.put("orig_bytes", fwd * 110);
    n.put("resp_bytes", bwd * 950);
    n.put("conn_state", "SF");
    n.put("missed_bytes", 0);
    n.put("history", "ShADadFf");
    n.put("orig_pkts", fwd);
    n.put("orig_ip_bytes", fwd * 150);
    n.put("resp_pkts", bwd);
    n.put("resp_ip_bytes", bwd * 990);
    return n.toString();
  }

  /** One probe of a SYN scan from 10.66.6.6: refused (REJ, history Sr), two packets, no payload. */
  public static String scanProbe(String uid, int port, double ts) {
    ObjectNode n = conn(uid, ts, "10.66.6.6", 61_000 + port % 4000, "10.1.0.50", port, "tcp");
    n.put("duration", 0.00031 + (port % 7) * 0.00002);
    n.put("orig_bytes", 0);
    n.put("resp_bytes", 0);
    n.put("conn_state", "REJ");
    n.put("missed_bytes", 0);
    n.put("history", "Sr");
    n.put("orig_pkts", 1);
    n.put("orig_ip_bytes", 44);
    n.put("resp_pkts", 1);
    n.put("resp_ip_bytes", 40);
    return n.toString();
  }

  /** A late-in-time flow that moves the watermark past the test's first window. */
  public static String tick(String uid, double ts) {
    return benign(uid, 0, ts).replace("\"10.1.0.1\"", "\"10.9.9.9\"");
  }
}
