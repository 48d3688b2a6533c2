package dev.vigil.flink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Async I/O to Vigil's scoring API in micro-batches. Flink's async operator hands over one record at
 * a time; this function buffers them and sends a batch when it holds {@code batch-size} records or
 * when the oldest has waited {@code batch-wait-ms}, then completes each record's future with its own
 * prediction.
 *
 * <p>Why batching here is safe: every record stays in the async operator's queue until its future is
 * completed, and that queue is part of each checkpoint; after a restore Flink calls {@code
 * asyncInvoke} again for the records still in flight, so a buffered or unanswered record is never
 * lost. The operator's {@code capacity} bounds the records in flight (buffered + being scored), which
 * gives backpressure instead of unbounded memory.
 *
 * <p>Failures: transient ones (network, timeout, 429, 5xx) retry the same batch with exponential
 * backoff and jitter, honouring Retry-After, up to {@code max-attempts}; then the records' futures
 * fail, the job fails and restarts from its last checkpoint. A record the API rejects by index goes to
 * the dead-letter topic and the rest of its batch is sent again; a SCHEMA_MISMATCH sends the batch to
 * the dead letters. Retries are done here rather than with Flink's AsyncRetryStrategy so that a batch
 * is retried as one request, not record by record.
 */
public class BatchingScoringFunction extends RichAsyncFunction<FlowRecord, ScoredFlow> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BatchingScoringFunction.class);

  private final JobConfig config;

  private transient ScoringApiClient client;
  private transient ScheduledExecutorService timer;
  private transient Object lock;
  private transient List<Pending> buffer;
  /** Bumped on every flush, so a timer armed for an earlier batch does not flush a newer one early. */
  private transient long generation;
  private transient Counter batches;
  private transient Counter retries;
  private transient Counter rejected;

  private record Pending(FlowRecord record, ResultFuture<ScoredFlow> future) {}

  public BatchingScoringFunction(JobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    String apiKey = config.apiKey != null ? config.apiKey : System.getenv("VIGIL_API_KEY");
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalStateException("no API key: pass --api-key or set VIGIL_API_KEY (an analyst key: vigil api-keys create NAME --role analyst)");
    }
    client = new ScoringApiClient(config.apiUrl, apiKey, config.schema, config.recordFormat, config.explain,
        Duration.ofMillis(config.requestTimeoutMs));
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-scoring-timer");
      t.setDaemon(true);
      return t;
    });
    lock = new Object();
    buffer = new ArrayList<>(config.batchSize);
    var metrics = getRuntimeContext().getMetricGroup().addGroup("vigil");
    batches = metrics.counter("scoringBatches");
    retries = metrics.counter("scoringRetries");
    rejected = metrics.counter("scoringRejected");
  }

  @Override
  public void asyncInvoke(FlowRecord record, ResultFuture<ScoredFlow> future) {
    List<Pending> full = null;
    synchronized (lock) {
      buffer.add(new Pending(record, future));
      if (buffer.size() >= config.batchSize) {
        full = drain();
      } else if (buffer.size() == 1) {
        long armed = generation;
        timer.schedule(() -> flushIfStill(armed), config.batchWaitMs, TimeUnit.MILLISECONDS);
      }
    }
    if (full != null) send(full, 1);
  }

  @Override
  public void timeout(FlowRecord record, ResultFuture<ScoredFlow> future) {
    future.completeExceptionally(new TimeoutException(
        "record " + record.key + " not scored within " + config.asyncTimeoutMs() + " ms (scoring API at " + config.apiUrl
            + " too slow or down); the job restarts from its last checkpoint"));
  }

  @Override
  public void close() {
    if (timer != null) timer.shutdownNow();
  }

  private List<Pending> drain() {
    List<Pending> batch = buffer;
    buffer = new ArrayList<>(config.batchSize);
    generation++;
    return batch;
  }

  private void flushIfStill(long armed) {
    List<Pending> batch;
    synchronized (lock) {
      if (armed != generation || buffer.isEmpty()) return;
      batch = drain();
    }
    send(batch, 1);
  }

  /**
   * Sends a batch; never throws. It also runs on the timer thread, where an exception would vanish
   * into the executor and leave the batch's records unanswered, so any failure fails their futures.
   */
  private void send(List<Pending> batch, int attempt) {
    try {
      List<FlowRecord> records = new ArrayList<>(batch.size());
      for (Pending p : batch) records.add(p.record);
      batches.inc();
      client.score(records).whenComplete((outcome, error) -> {
        try {
          handle(batch, attempt, error != null ? new ScoringApiClient.Retryable(String.valueOf(error), 0L) : outcome);
        } catch (RuntimeException e) {
          failAll(batch, e);
        }
      });
    } catch (RuntimeException e) {
      failAll(batch, e);
    }
  }

  private void handle(List<Pending> batch, int attempt, ScoringApiClient.Outcome outcome) {
    if (outcome instanceof ScoringApiClient.Scored scored) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        p.future.complete(Collections.singletonList(
            ScoredFlow.scored(p.record, scored.predictions().get(i), scored.modelKind(), now)));
      }
    } else if (outcome instanceof ScoringApiClient.RecordRejected r) {
      Pending bad = batch.get(r.index());
      rejected.inc();
      bad.future.complete(Collections.singletonList(ScoredFlow.rejected(bad.record, r.code(), r.reason())));
      List<Pending> rest = new ArrayList<>(batch);
      rest.remove(r.index());
      if (!rest.isEmpty()) send(rest, attempt);
    } else if (outcome instanceof ScoringApiClient.BatchRejected r) {
      rejected.inc(batch.size());
      for (Pending p : batch) {
        p.future.complete(Collections.singletonList(ScoredFlow.rejected(p.record, r.code(), r.reason())));
      }
    } else if (outcome instanceof ScoringApiClient.Retryable r) {
      if (attempt >= config.maxAttempts) {
        failAll(batch, new ScoringException("scoring failed after " + attempt + " attempts: " + r.reason()));
        return;
      }
      long delay = Math.max(backoff(attempt), Math.min(r.retryAfterMs(), config.maxBackoffMs));
      LOG.warn("scoring batch of {} failed (attempt {}/{}), retrying in {} ms: {}", batch.size(), attempt,
          config.maxAttempts, delay, r.reason());
      retries.inc();
      timer.schedule(() -> send(batch, attempt + 1), delay, TimeUnit.MILLISECONDS);
    } else if (outcome instanceof ScoringApiClient.Fatal f) {
      failAll(batch, new ScoringException(f.reason()));
    }
  }

  /** Exponential backoff with jitter: half the capped delay plus a random half. */
  private long backoff(int attempt) {
    double capped = Math.min((double) config.maxBackoffMs, config.initialBackoffMs * Math.pow(2, attempt - 1));
    return (long) (capped / 2 + ThreadLocalRandom.current().nextDouble() * capped / 2);
  }

  private static void failAll(List<Pending> batch, Throwable error) {
    for (Pending p : batch) p.future.completeExceptionally(error);
  }

  /** Scoring gave up: the job fails and restarts from its last checkpoint, so no record is lost. */
  public static class ScoringException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScoringException(String message) {
      super(message);
    }
  }
}
