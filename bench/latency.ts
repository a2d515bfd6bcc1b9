/** Latency samples of a Node load client, in microseconds, and their percentiles. */
export interface LatencyRecorder {
  record(micros: number): void;
  readonly count: number;
  percentile(p: number): number;
  /** The samples recorded so far (a view, not a copy). */
  samples(): Float64Array;
}

export function createLatencyRecorder(): LatencyRecorder {
  let samples = new Float64Array(1 << 16);
  let n = 0;
  let sorted = false;
  return {
    record(micros) {
      if (n === samples.length) {
        const bigger = new Float64Array(samples.length * 2);
        bigger.set(samples);
        samples = bigger;
      }
      samples[n++] = micros;
      sorted = false;
    },
    get count() {
      return n;
    },
    percentile(p) {
      if (n === 0) return 0;
      if (!sorted) {
        samples.subarray(0, n).sort();
        sorted = true;
      }
      const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
      return samples[rank] as number;
    },
    samples: () => samples.subarray(0, n),
  };
}

/** Microseconds since `start` (a process.hrtime.bigint() reading). */
export const microsSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1000;
