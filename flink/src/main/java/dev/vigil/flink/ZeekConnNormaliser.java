package dev.vigil.flink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Zeek {@code conn.log} JSON line → {@link FlowRecord}. The mapping (also in docs/streaming-flink.md):
 *
 * <pre>
 *   ts (epoch s, or ISO 8601)       → tsMillis            event time
 *   uid                             → flow_id             (absent: the record's Kafka position)
 *   id.orig_h / id.orig_p           → src_ip / src_port
 *   id.resp_h / id.resp_p           → dst_ip / dst_port
 *   proto                           → protocol            lower case
 *   ts, ts + duration               → start_time, end_time  (ISO 8601)
 *   duration × 1000                 → duration_ms         absent → 0 (Zeek leaves it unset for 1-packet flows)
 *   orig_pkts / resp_pkts           → fwd_packets / bwd_packets   absent → 0
 *   orig_bytes / resp_bytes         → fwd_bytes / bwd_bytes       absent → 0 (payload bytes, as CICFlowMeter)
 *   (fwd+bwd bytes) / seconds       → bytes_per_s         null when the duration is 0 (as CICFlowMeter)
 *   (fwd+bwd packets) / seconds     → packets_per_s       null when the duration is 0
 *   duration_ms / (packets − 1)     → mean_iat_ms         0 for a flow of one packet
 *   history letters S, s, H, h      → syn_count           SYN and SYN-ACK
 *   history letters R, r            → rst_count
 * </pre>
 *
 * This is the mapping of the TypeScript stream service (apps/server/src/stream/record-formats.ts) and
 * the rounding of the canonical record (3 decimals; packages/detect canonical-flow.ts), so a Zeek
 * line gets the same features, and the same verdict, on either path. Zeek's history records each
 * flag once per direction (upper case: originator), so the flag counts are lower bounds. Anything unusable (not JSON, not
 * an object, a missing or ill-typed identity field, a negative counter) throws {@link
 * MalformedRecordException} with a reason naming the field; the job sends such lines to the
 * dead-letter topic.
 */
public final class ZeekConnNormaliser {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(?:\\.\\d{1,3}){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]{2,45}(?:%[0-9A-Za-z._-]{1,16})?$");
  private static final Pattern PROTO = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,15}$");

  private ZeekConnNormaliser() {}

  /** Normalises one JSON line read at {@code key} (its Kafka position). */
  public static FlowRecord normalise(String line, String key) throws MalformedRecordException {
    JsonNode root;
    try {
      root = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new MalformedRecordException("malformed-json", "not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new MalformedRecordException("not-an-object", "expected a JSON object (one Zeek conn entry), got " + kind(root));
    }
    return normalise(root, key);
  }

  /** Normalises one parsed Zeek conn entry. */
  public static FlowRecord normalise(JsonNode conn, String key) throws MalformedRecordException {
    FlowRecord r = new FlowRecord();
    r.key = key;
    JsonNode uid = field(conn, "uid");
    r.uid = uid != null && uid.isTextual() && !uid.asText().isBlank() ? uid.asText() : null;
    r.tsMillis = timestamp(conn);
    r.srcIp = address(conn, "id.orig_h");
    r.srcPort = port(conn, "id.orig_p");
    r.dstIp = address(conn, "id.resp_h");
    r.dstPort = port(conn, "id.resp_p");
    r.protocol = protocol(conn);
    r.service = optionalText(conn, "service");
    r.connState = optionalText(conn, "conn_state");
    r.history = optionalText(conn, "history");

    r.durationMs = round3(nonNegative(conn, "duration") * 1000.0);
    r.fwdPackets = counter(conn, "orig_pkts");
    r.bwdPackets = counter(conn, "resp_pkts");
    r.fwdBytes = counter(conn, "orig_bytes");
    r.bwdBytes = counter(conn, "resp_bytes");
    long packets = r.fwdPackets + r.bwdPackets;
    long bytes = r.fwdBytes + r.bwdBytes;
    double seconds = r.durationMs / 1000.0;
    r.bytesPerS = seconds > 0 ? round3(bytes / seconds) : null;
    r.packetsPerS = seconds > 0 ? round3(packets / seconds) : null;
    r.meanIatMs = packets > 1 ? round3(r.durationMs / (packets - 1)) : 0.0;
    r.synCount = countLetters(r.history, "SsHh");
    r.rstCount = countLetters(r.history, "Rr");
    r.missedBytes = optionalCounter(conn, "missed_bytes");
    r.origIpBytes = optionalCounter(conn, "orig_ip_bytes");
    r.respIpBytes = optionalCounter(conn, "resp_ip_bytes");
    return r;
  }

  /** Flat dotted names ({@code "id.orig_h"}, Zeek's JSON writer) or a nested {@code id} object. */
  private static JsonNode field(JsonNode conn, String name) {
    JsonNode v = conn.get(name);
    if (v == null && name.startsWith("id.")) {
      JsonNode id = conn.get("id");
      if (id != null && id.isObject()) v = id.get(name.substring(3));
    }
    return v == null || v.isNull() ? null : v;
  }

  private static long timestamp(JsonNode conn) throws MalformedRecordException {
    JsonNode ts = field(conn, "ts");
    if (ts == null) throw bad("bad-timestamp", "ts", "the connection start time (epoch seconds)", null);
    if (ts.isNumber()) {
      double s = ts.asDouble();
      if (Double.isFinite(s) && s >= 0 && s < 1e11) return Math.round(s * 1000.0);
    } else if (ts.isTextual()) {
      try {
        return Instant.parse(ts.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw bad("bad-timestamp", "ts", "epoch seconds or an ISO 8601 time", ts);
  }

  private static String address(JsonNode conn, String name) throws MalformedRecordException {
    JsonNode v = field(conn, name);
    if (v != null && v.isTextual()) {
      String s = v.asText().trim();
      if (IPV4.matcher(s).matches() || (s.indexOf(':') >= 0 && IPV6.matcher(s).matches())) return s;
    }
    throw bad("bad-address", name, "an IPv4 or IPv6 address", v);
  }

  private static int port(JsonNode conn, String name) throws MalformedRecordException {
    JsonNode v = field(conn, name);
    if (v != null && v.isNumber() && v.canConvertToExactIntegral() && v.canConvertToInt()) {
      int p = v.asInt();
      if (p >= 0 && p <= 65535) return p;
    }
    throw bad("bad-port", name, "a port number 0..65535", v);
  }

  private static String protocol(JsonNode conn) throws MalformedRecordException {
    JsonNode v = field(conn, "proto");
    if (v != null && v.isTextual()) {
      String p = v.asText().trim().toLowerCase(java.util.Locale.ROOT);
      if (PROTO.matcher(p).matches()) return p;
    }
    throw bad("bad-protocol", "proto", "a transport protocol name (tcp, udp, icmp)", v);
  }

  private static String optionalText(JsonNode conn, String name) throws MalformedRecordException {
    JsonNode v = field(conn, name);
    if (v == null) return null;
    if (!v.isTextual()) throw bad("not-a-string", name, "a string", v);
    return v.asText();
  }

  private static double nonNegative(JsonNode conn, String name) throws MalformedRecordException {
    JsonNode v = field(conn, name);
    if (v == null) return 0.0;
    if (v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() >= 0) return v.asDouble();
    throw bad("not-a-number", name, "a non-negative number of seconds", v);
  }

  private static long counter(JsonNode conn, String name) throws MalformedRecordException {
    Long v = optionalCounter(conn, name);
    return v == null ? 0L : v;
  }

  private static Long optionalCounter(JsonNode conn, String name) throws MalformedRecordException {
    JsonNode v = field(conn, name);
    if (v == null) return null;
    if (v.isNumber() && v.canConvertToExactIntegral() && v.canConvertToLong() && v.asLong() >= 0) return v.asLong();
    throw bad("not-a-number", name, "a non-negative whole number", v);
  }

  private static int countLetters(String history, String letters) {
    if (history == null) return 0;
    int n = 0;
    for (int i = 0; i < history.length(); i++) if (letters.indexOf(history.charAt(i)) >= 0) n++;
    return n;
  }

  private static double round3(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  private static MalformedRecordException bad(String code, String field, String expected, JsonNode got) {
    if (got == null) code = "missing-field";
    return new MalformedRecordException(code, "field \"" + field + "\": expected " + expected + ", got " + show(got));
  }

  private static String show(JsonNode v) {
    if (v == null) return "nothing";
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) return "nothing";
    if (v.isArray()) return "an array";
    if (v.isTextual()) return "a string";
    if (v.isNumber()) return "a number";
    return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
