package dev.vigil.flink.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The real Kafka broker of the tests: TEST_KAFKA_BROKERS (default 127.0.0.1:9092, scripts/kafka-broker.sh). */
public final class KafkaSupport {
  private KafkaSupport() {}

  public static String brokers() {
    String b = System.getenv("TEST_KAFKA_BROKERS");
    return b == null || b.isBlank() ? "127.0.0.1:9092" : b.trim();
  }

  /** Skips or fails (CI=true) unless the broker answers a metadata request. */
  public static String requireBroker() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
    try (Admin admin = Admin.create(p)) {
      admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
      return brokers();
    } catch (Exception e) {
      Services.unavailable("no Kafka broker at " + brokers() + " (start one with scripts/kafka-broker.sh start, "
          + "or set TEST_KAFKA_BROKERS): " + e);
      return null;
    }
  }

  /** Creates topics named prefix-name-random with the given partitions; returns their names in order. */
  public static List<String> createTopics(String prefix, Map<String, Integer> partitions) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> names = new ArrayList<>();
    List<NewTopic> topics = new ArrayList<>();
    for (Map.Entry<String, Integer> t : partitions.entrySet()) {
      String name = prefix + "-" + t.getKey() + "-" + run;
      names.add(name);
      topics.add(new NewTopic(name, t.getValue(), (short) 1));
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      awaitLeaders(admin, names);
    }
    return names;
  }

  /**
   * Waits until every partition of the new topics has a leader. Producing the moment a topic is
   * created once left a test's producer failing with OutOfOrderSequenceException for two minutes
   * (the broker's log), and the test waited for verdicts of input that never arrived.
   */
  private static void awaitLeaders(Admin admin, List<String> names) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (;;) {
      boolean ready = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
          .allMatch(d -> d.partitions().stream().allMatch(part -> part.leader() != null && !part.leader().isEmpty()));
      if (ready) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException("topics without a leader after 30 s: " + names);
      Thread.sleep(100);
    }
  }

  /**
   * Produces (partition, value) pairs, keyless, in order, and fails unless every one is acknowledged
   * (a failed send used to go unnoticed, and the test then waited for verdicts of input that was never
   * written). One request in flight without idempotence: a retry cannot be refused as out of
   * sequence, and the partitions are fresh, so a retry has nothing to be out of order with.
   */
  public static void produce(String topic, List<Map.Entry<Integer, String>> records) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
      for (Map.Entry<Integer, String> r : records) {
        sent.add(producer.send(new ProducerRecord<>(topic, r.getKey(), null, r.getValue())));
      }
      producer.flush();
      for (int i = 0; i < sent.size(); i++) {
        try {
          sent.get(i).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw new IllegalStateException("test input " + i + " of " + sent.size() + " to " + topic
              + " was not written: " + e.getCause(), e.getCause());
        }
      }
    }
  }

  /**
   * Reads {@code topic} from the start until {@code done} holds for everything read so far or the
   * timeout passes; returns what was read. read_committed skips aborted transactions.
   */
  public static List<ConsumerRecord<String, String>> consumeUntil(
      String topic, boolean readCommitted, Duration timeout, Predicate<List<ConsumerRecord<String, String>>> done) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "vigil-flink-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (System.nanoTime() < deadline && !done.test(out)) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) out.add(r);
      }
    }
    return out;
  }

  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
