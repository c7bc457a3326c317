/** The two-sided 95% normal quantile. */
const z95 = 1.959963984540054;

/**
 * The Wilson score interval for `successes` out of `trials`: unlike the normal approximation it stays inside
 * [0, 1] and is honest for the short runs and rare events CI produces. Undefined for 0 trials.
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  z = z95,
): { low: number; high: number } | undefined {
  if (trials <= 0) return undefined;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At the edges the formula gives 0 and 1 up to rounding (1e-19); say them exactly.
  return {
    low: successes <= 0 ? 0 : (centre - spread) / denominator,
    high: successes >= trials ? 1 : (centre + spread) / denominator,
  };
}
