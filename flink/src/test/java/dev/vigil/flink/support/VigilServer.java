package dev.vigil.flink.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Vigil server for the tests, one per test JVM: {@code node apps/server/dist/cli.js start} on
 * the embedded store in a temporary data directory (it trains and promotes the synthetic-flows demo
 * model at first start), on a free port. The analyst API key is created with the CLI before the
 * server starts, since the embedded store is single-process. Stopped by a shutdown hook.
 */
public final class VigilServer {
  private static final Pattern RUNNING = Pattern.compile("Vigil is running: (http://\\S+)");
  private static VigilServer shared;
  private static String failure;

  public final String url;
  public final String apiKey;
  private final Process process;
  private final Path dataDir;
  /** The server's last 40 lines of output (LOG_LEVEL=warn: its warnings and errors). */
  private final Deque<String> tail;

  private VigilServer(String url, String apiKey, Process process, Path dataDir, Deque<String> tail) {
    this.url = url;
    this.apiKey = apiKey;
    this.process = process;
    this.dataDir = dataDir;
    this.tail = tail;
  }

  /** What the server printed last, for a failing test's message. */
  public String recentOutput() {
    synchronized (tail) {
      return tail.isEmpty() ? "(nothing)" : String.join("\n", tail);
    }
  }

  /** The shared server; skips (locally) or fails (CI=true) the calling test when it cannot start. */
  public static synchronized VigilServer shared() {
    if (shared == null && failure == null) {
      try {
        shared = start();
      } catch (Exception e) {
        failure = e.getMessage();
      }
    }
    if (shared == null) Services.unavailable("no Vigil server: " + failure);
    return shared;
  }

  private static Path repoRoot() {
    String root = System.getenv("VIGIL_REPO_ROOT");
    return (root == null || root.isBlank() ? Path.of("..") : Path.of(root)).toAbsolutePath().normalize();
  }

  private static VigilServer start() throws Exception {
    Path cli = repoRoot().resolve("apps/server/dist/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException(cli + " is missing: build the server first (npm run build)");
    }
    Path dataDir = Files.createTempDirectory("vigil-flink-test-");
    Map<String, String> env = Map.of(
        "VIGIL_DATA_DIR", dataDir.toString(),
        "HOST", "127.0.0.1",
        "PORT", "0",
        "LOG_LEVEL", "warn",
        "VIGIL_DEMO_STREAM", "false",
        "VIGIL_RATE_LIMIT", "0",
        "VIGIL_HISTORY", "none");

    Process keys = node(cli, env, "api-keys", "create", "flink-tests", "--role", "analyst");
    // Its output is a few lines, well below a pipe's buffer: wait first, then read.
    if (!keys.waitFor(120, TimeUnit.SECONDS)) {
      keys.destroyForcibly();
      throw new IllegalStateException("vigil api-keys create did not finish within 120 s");
    }
    String keyOut = new String(keys.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keys.exitValue() != 0) throw new IllegalStateException("vigil api-keys create failed: " + keyOut);
    String apiKey = keyOut.lines().map(String::trim).filter(l -> l.startsWith("vgl_")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no API key in the output of vigil api-keys create: " + keyOut));

    Process server = node(cli, env, "start");
    Deque<String> tail = new ArrayDeque<>();
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> drain(server, tail, url), "vigil-server-output");
    reader.setDaemon(true);
    reader.start();
    VigilServer vigil;
    try {
      vigil = new VigilServer(url.get(300, TimeUnit.SECONDS), apiKey, server, dataDir, tail);
    } catch (Exception e) {
      server.destroyForcibly();
      synchronized (tail) {
        throw new IllegalStateException("vigil start did not report its URL (" + e + "); last output:\n" + String.join("\n", tail));
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(vigil::stop, "vigil-server-stop"));
    return vigil;
  }

  private static Process node(Path cli, Map<String, String> env, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("node", cli.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile()).redirectErrorStream(true);
    // The embedded default: no server database or Redis from the caller's environment.
    pb.environment().remove("DATABASE_URL");
    pb.environment().remove("REDIS_URL");
    pb.environment().remove("KAFKA_BROKERS");
    pb.environment().putAll(env);
    return pb.start();
  }

  private static void drain(Process server, Deque<String> tail, CompletableFuture<String> url) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 40) tail.removeFirst();
        }
        Matcher m = RUNNING.matcher(line);
        if (m.find()) url.complete(m.group(1));
      }
    } catch (IOException e) {
      // the server stopped
    }
    url.completeExceptionally(new IllegalStateException("the server exited with " + server.exitValue()));
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
