/**
 * Risk score 0–100 of one prediction, from the model's attack probability `p` and the decision
 * threshold `t` it was judged at (0 < t ≤ 1):
 *
 *   attack (p ≥ t):  50 + round(50 · (p − t) / (1 − t))    → 50..100   (100 when t = 1)
 *   benign (p < t):  min(49, floor(50 · p / t))             → 0..49
 *
 * The threshold maps to 50, so every alert scores at least 50 and every benign verdict at most 49
 * whatever threshold a model uses, and a score sorts predictions of different models consistently
 * with their verdicts. Within each side the score is linear in the probability. NaN reads as 0.
 */
export function riskScore(p: number, t: number): number {
  const prob = p >= 0 ? Math.min(p, 1) : 0;
  if (prob >= t) return t >= 1 ? 100 : 50 + Math.round((50 * (prob - t)) / (1 - t));
  return Math.min(49, Math.floor((50 * prob) / t));
}
