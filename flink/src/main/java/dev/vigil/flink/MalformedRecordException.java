package dev.vigil.flink;

/** A record the job cannot use; its code and message go to the dead-letter topic. */
public class MalformedRecordException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;

  /**
   * {@code code} is stable and short, like the TypeScript stream service's: malformed-json,
   * not-an-object, missing-field, bad-timestamp, bad-address, bad-port, bad-protocol, not-a-number.
   */
  public MalformedRecordException(String code, String reason) {
    super(reason, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
