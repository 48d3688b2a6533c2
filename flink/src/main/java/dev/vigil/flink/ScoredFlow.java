package dev.vigil.flink;

import java.io.Serializable;

/**
 * The async scoring operator's output: the flow with its verdict, or with the reason the scoring API
 * rejected it ({@link #rejection} set: it goes to the dead-letter topic).
 */
public class ScoredFlow implements Serializable {
  private static final long serialVersionUID = 1L;

  public FlowRecord flow;
  /** benign or attack. */
  public String verdict;
  public double probability;
  public int riskScore;
  public String category;
  public String modelId;
  public String modelKind;
  public int modelVersion;
  /** The prediction's topFeatures as JSON (an array; empty unless --explain asks for them). */
  public String topFeatures;
  /** When the API answered, epoch milliseconds. */
  public long scoredAt;
  /** Why the API rejected this record; null when scored. */
  public String rejection;
  /** The API's error code of a rejection, lower case (validation-failed, schema-mismatch). */
  public String rejectionCode;

  public ScoredFlow() {}

  static ScoredFlow scored(FlowRecord flow, ScoringApiClient.Prediction p, String modelKind, long scoredAt) {
    ScoredFlow s = new ScoredFlow();
    s.modelKind = modelKind;
    s.topFeatures = p.topFeatures();
    s.scoredAt = scoredAt;
    s.flow = flow;
    s.verdict = p.verdict();
    s.probability = p.probability();
    s.riskScore = p.riskScore();
    s.category = p.category();
    s.modelId = p.modelId();
    s.modelVersion = p.modelVersion();
    return s;
  }

  static ScoredFlow rejected(FlowRecord flow, String code, String reason) {
    ScoredFlow s = new ScoredFlow();
    s.flow = flow;
    s.rejectionCode = code;
    s.rejection = reason;
    return s;
  }
}
