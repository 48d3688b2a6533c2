package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZeekConnNormaliserTest {
  private static final String SESSION = """
      {"ts":1700000000.25,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.5","id.orig_p":51234,
       "id.resp_h":"93.184.216.34","id.resp_p":443,"proto":"tcp","service":"ssl","duration":2.0,
       "orig_bytes":1000,"resp_bytes":9000,"conn_state":"SF","missed_bytes":0,"history":"ShADadFfR",
       "orig_pkts":10,"orig_ip_bytes":1400,"resp_pkts":11,"resp_ip_bytes":9600}""";

  @Test
  void mapsZeekFieldsToTheCanonicalRecord() throws Exception {
    FlowRecord r = ZeekConnNormaliser.normalise(SESSION, "kafka:conn:0:41");
    assertEquals("kafka:conn:0:41", r.key);
    assertEquals("CHhAvVGS1DHFjwGM9", r.uid);
    assertEquals(1_700_000_000_250L, r.tsMillis);
    assertEquals("10.0.0.5", r.srcIp);
    assertEquals(51234, r.srcPort);
    assertEquals("93.184.216.34", r.dstIp);
    assertEquals(443, r.dstPort);
    assertEquals("tcp", r.protocol);
    assertEquals(2000.0, r.durationMs);
    assertEquals(10, r.fwdPackets);
    assertEquals(11, r.bwdPackets);
    assertEquals(1000, r.fwdBytes);
    assertEquals(9000, r.bwdBytes);
    assertEquals(5000.0, r.bytesPerS);
    assertEquals(10.5, r.packetsPerS);
    assertEquals(100.0, r.meanIatMs);
    assertEquals(2, r.synCount, "the SYN (S) and the SYN-ACK (h), as the TypeScript stream service counts");
    assertEquals(1, r.rstCount);
    assertEquals(0L, r.missedBytes);
    assertEquals(1400L, r.origIpBytes);
  }

  @Test
  void zeroDurationFlowsHaveNoRatesLikeCicFlowMeter() throws Exception {
    FlowRecord r = ZeekConnNormaliser.normalise("""
        {"ts":1,"id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":22,"proto":"TCP",
         "conn_state":"S0","history":"S","orig_pkts":1}""", "kafka:t:0:7");
    assertNull(r.uid, "no uid: the record is known by its position only");
    assertEquals("kafka:t:0:7", r.key);
    assertEquals("tcp", r.protocol);
    assertEquals(0.0, r.durationMs, "absent duration reads as 0");
    assertNull(r.bytesPerS);
    assertNull(r.packetsPerS);
    assertEquals(0.0, r.meanIatMs);
    assertEquals(0, r.bwdPackets);
    assertEquals(1, r.synCount);
    assertNull(r.origIpBytes);
    assertTrue(r.failedConnection());
  }

  @Test
  void roundsLikeTheCanonicalRecord() throws Exception {
    FlowRecord r = ZeekConnNormaliser.normalise("""
        {"ts":1,"id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"proto":"tcp",
         "duration":0.0003141592,"orig_pkts":2,"resp_pkts":1,"orig_bytes":10,"resp_bytes":0}""", "k");
    assertEquals(0.314, r.durationMs);
    assertEquals(31847.134, r.bytesPerS, "10 bytes / 0.000314 s, to 3 decimals");
    assertEquals(0.157, r.meanIatMs);
  }

  @Test
  void acceptsIsoTimestampsAndNestedIds() throws Exception {
    FlowRecord r = ZeekConnNormaliser.normalise("""
        {"ts":"2023-11-14T22:13:20.5Z","id":{"orig_h":"fe80::1","orig_p":5353,"resp_h":"ff02::fb","resp_p":5353},
         "proto":"udp"}""", "x");
    assertEquals(1_700_000_000_500L, r.tsMillis);
    assertEquals("fe80::1", r.srcIp);
    assertEquals(5353, r.dstPort);
  }

  @Test
  void rejectsMalformedLinesWithTheFieldInTheReason() {
    assertReason("not json", "not JSON");
    assertReason("[1,2]", "expected a JSON object");
    assertReason("{\"ts\":1,\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,\"id.resp_p\":80,\"proto\":\"tcp\"}", "\"id.resp_h\"");
    assertReason(line("\"id.resp_p\":70000"), "\"id.resp_p\": expected a port number 0..65535, got 70000");
    assertReason(line("\"id.resp_p\":\"80\""), "\"id.resp_p\"");
    assertReason(line("\"id.resp_p\":80,\"orig_bytes\":\"abc\""), "\"orig_bytes\": expected a non-negative whole number");
    assertReason(line("\"id.resp_p\":80,\"orig_pkts\":-1"), "\"orig_pkts\"");
    assertReason(line("\"id.resp_p\":80,\"duration\":-0.5"), "\"duration\"");
    assertReason("{\"ts\":\"yesterday\"}", "\"ts\"");
  }

  @Test
  void reasonsCarryAStableCode() {
    assertEquals("malformed-json", code("{"));
    assertEquals("not-an-object", code("42"));
    assertEquals("missing-field", code(line("\"x\":1")));
    assertEquals("bad-port", code(line("\"id.resp_p\":-1")));
    assertEquals("bad-timestamp", code("{\"ts\":\"soon\"}"));
    assertEquals("not-a-number", code(line("\"id.resp_p\":1,\"resp_pkts\":1.5")));
  }

  private static String line(String extra) {
    return "{\"ts\":1,\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,\"id.resp_h\":\"10.0.0.2\",\"proto\":\"tcp\"," + extra + "}";
  }

  private static String code(String line) {
    return assertThrows(MalformedRecordException.class, () -> ZeekConnNormaliser.normalise(line, "x")).code();
  }

  private static void assertReason(String line, String expected) {
    MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> ZeekConnNormaliser.normalise(line, "x"));
    assertTrue(e.getMessage().contains(expected), () -> "reason \"" + e.getMessage() + "\" should contain " + expected);
  }
}
