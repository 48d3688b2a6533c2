package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {
  @Test
  void argumentsWinOverTheEnvironmentWhichWinsOverDefaults() {
    JobConfig c = JobConfig.parse(
        new String[] {"--batch-size", "64", "--api-url=http://vigil:8080/", "--delivery", "exactly-once"},
        Map.of("VIGIL_FLINK_BATCH_SIZE", "9", "KAFKA_BROKERS", "kafka:9092", "VIGIL_FLINK_WINDOW_SECONDS", "30"));
    assertEquals(64, c.batchSize);
    assertEquals("http://vigil:8080", c.apiUrl, "trailing slash dropped");
    assertEquals("kafka:9092", c.bootstrapServers);
    assertEquals(30, c.windowSeconds);
    assertEquals(256, c.capacity, "capacity defaults to four batches");
    assertTrue(c.exactlyOnce());
    assertNull(c.apiKey, "no key given: read from VIGIL_API_KEY where the operator runs");
    assertEquals("vigil.zeek.conn", c.inputTopic);
  }

  @Test
  void theAsyncTimeoutCoversEveryAttempt() {
    JobConfig c = JobConfig.parse(new String[0], Map.of());
    assertTrue(c.asyncTimeoutMs() > c.maxAttempts * (c.requestTimeoutMs + c.maxBackoffMs));
  }

  @Test
  void badValuesNameTheOption() {
    assertMessage(new String[] {"--batch-size", "0"}, "--batch-size must be in 1..10000");
    assertMessage(new String[] {"--batch-size", "ten"}, "--batch-size must be a whole number");
    assertMessage(new String[] {"--delivery", "maybe"}, "--delivery must be one of");
    assertMessage(new String[] {"--api-url", "vigil:8080"}, "--api-url must be an http(s) URL");
    assertMessage(new String[] {"--nope", "1"}, "unknown option --nope");
    assertMessage(new String[] {"--batch-size"}, "--batch-size needs a value");
  }

  private static void assertMessage(String[] args, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(args, Map.of()));
    assertTrue(e.getMessage().contains(expected), e::getMessage);
  }
}
