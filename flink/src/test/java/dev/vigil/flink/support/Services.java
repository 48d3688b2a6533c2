package dev.vigil.flink.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's rule for tests that need a real service: locally, an unreachable service skips the
 * test with a message; under CI=true it must be there, and the test fails saying how to start it.
 */
public final class Services {
  private Services() {}

  public static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (locally) or fails (CI=true) with {@code message}. */
  public static void unavailable(String message) {
    if (ci()) Assertions.fail(message + " (CI=true: the service must be available)");
    Assumptions.abort(message + " (skipped; CI=true makes this a failure)");
  }
}
