import type { AlternatingFigures } from './alternating.js';
import type { RssFigures } from './memory.js';
import type { OfflineFigures } from './offline.js';
import type { OpenFigures } from './open-model.js';
import type { SoakFigures } from './soak.js';
import type { ThroughputFigures } from './throughput.js';

/** What the sections measured; a section that did not run is missing (or empty). */
export interface BenchFigures {
  throughput?: ThroughputFigures | undefined;
  alternating?: AlternatingFigures | undefined;
  rss: readonly RssFigures[];
  open: readonly OpenFigures[];
  offline?: OfflineFigures | undefined;
  soak?: SoakFigures | undefined;
  /** How long the open-model section paused a backend. */
  pauseMs: number;
}

/** PASS or FAIL; UNDECIDED when the measurement's interval spans the target; `-` when it did not run. */
type Verdict = 'PASS' | 'FAIL' | 'UNDECIDED' | '-';

export interface Target {
  name: string;
  value: string;
  verdict: Verdict;
}

interface TargetRow {
  name: (figures: BenchFigures) => string;
  /** The measured value and its verdict; undefined when the section that measures it did not run. */
  measure: (figures: BenchFigures) => { value: string; verdict: Verdict } | undefined;
}

const verdictOf = (pass: boolean): Verdict => (pass ? 'PASS' : 'FAIL');
const engineOf = (figures: BenchFigures) => figures.throughput?.generators['session-chaos'];

/** The bench's targets, one row each: what is compared with what, and what passes. */
export const targetRows: readonly TargetRow[] = [
  {
    name: () => 'session-chaos req/s >= 1.0x plain autocannon (rounds: ratio of medians)',
    measure: (figures) => {
      const engine = engineOf(figures);
      if (engine === undefined) return undefined;
      return {
        value: `${engine.ratioToAutocannon.toFixed(3)}x`,
        verdict: verdictOf(engine.ratioToAutocannon >= 1),
      };
    },
  },
  {
    name: () => 'session-chaos req/s >= 1.0x plain autocannon (alternating turns: 95% interval)',
    measure: ({ alternating }) => {
      if (alternating === undefined) return undefined;
      const { ratio, low, high } = alternating.ratio;
      return {
        value: `${ratio.toFixed(3)}x (${low.toFixed(3)}-${high.toFixed(3)})`,
        verdict: low >= 1 ? 'PASS' : high < 1 ? 'FAIL' : 'UNDECIDED',
      };
    },
  },
  {
    name: () => 'session-chaos client CPU <= 20 us per request',
    measure: (figures) => {
      const engine = engineOf(figures);
      if (engine === undefined) return undefined;
      const cpu = engine.cpuMicrosPerRequest.median;
      return { value: `${cpu.toFixed(1)} us`, verdict: verdictOf(cpu <= 20) };
    },
  },
  {
    name: () => '100,000 logged-in VUs in <= 256 MB RSS',
    measure: ({ rss }) => {
      const row = rss.find((entry) => entry.users === 100_000);
      if (row === undefined) return undefined;
      return {
        value: `${row.maxRssMb} MB peak`,
        verdict: verdictOf(row.maxRssMb <= 256 && row.loggedIn === 100_000),
      };
    },
  },
  {
    name: () => 'open model: achieved rate within 2% of the target',
    measure: ({ open }) => {
      const steady = open.find((row) => row.case === 'steady');
      if (steady === undefined) return undefined;
      return {
        value: `${steady.deviationPercent}%`,
        verdict: verdictOf(Math.abs(steady.deviationPercent) <= 2),
      };
    },
  },
  {
    name: ({ pauseMs }) => `open model: a ${pauseMs} ms pause shows in max and p99`,
    measure: ({ open, pauseMs }) => {
      const paused = open.find((row) => row.case === 'paused');
      if (paused === undefined) return undefined;
      return {
        value: `max ${paused.max} ms, p99 ${paused.p99} ms, p90 ${paused.p90} ms`,
        verdict: verdictOf(paused.max >= pauseMs * 0.9 && paused.p99 >= pauseMs * 0.5),
      };
    },
  },
  {
    name: () => 'soak: RSS slope over the second half <= 0.5 MB/min, every answer ok',
    measure: ({ soak }) => {
      if (soak === undefined) return undefined;
      return {
        value: `${soak.slopeMbPerMinute} MB/min (${soak.series[0]?.rssMb} to ${soak.series.at(-1)?.rssMb} MB)`,
        verdict: verdictOf(soak.slopeMbPerMinute <= 0.5 && soak.bad === 0),
      };
    },
  },
];

export function targetsOf(figures: BenchFigures): Target[] {
  return targetRows.map((row) => {
    const measured = row.measure(figures);
    return { name: row.name(figures), ...(measured ?? { value: 'not run', verdict: '-' }) };
  });
}
