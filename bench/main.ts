import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import Table from 'cli-table3';
import type { Lab } from '../src/lab/index.js';
import { alternatingSection } from './alternating.js';
import { type BenchConfig, helpText, parseBenchArgs, type SectionName } from './config.js';
import { type BenchContext, fixedCookie, password, startThroughputLab, watchedOf } from './lab.js';
import { memorySection } from './memory.js';
import { offlineSection } from './offline.js';
import { openModelSection } from './open-model.js';
import { soakSection } from './soak.js';
import { buildChildren } from './spawn.js';
import { type BenchFigures, targetsOf } from './targets.js';
import { throughputSection } from './throughput.js';

const resultsDir = new URL('./results/', import.meta.url);
/** The sections that run on the throughput lab (started once for all of them). */
const labSectionNames: readonly SectionName[] = ['throughput', 'alternating', 'open', 'soak'];

/** Runs the sections `--only` names, prints each, then the targets, and writes every figure as JSON. */
async function bench(config: BenchConfig): Promise<void> {
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  mkdirSync(resultsDir, { recursive: true });
  const context: BenchContext = { log: (line) => process.stderr.write(`bench: ${line}\n`) };
  const { sections } = config;
  await buildChildren(['./load-autocannon.ts', './load-http.ts', './load-engine.ts']);
  const figures: BenchFigures = { rss: [], open: [], pauseMs: config.pauseMs };
  if (labSectionNames.some((section) => sections.has(section))) {
    context.log('starting the lab: HAProxy round robin over 3 process backends, redis sessions');
    const lab = await startThroughputLab();
    try {
      await labSections(lab, config, context, figures, stamp);
    } finally {
      await lab.stop();
    }
  }
  if (sections.has('rss')) figures.rss = await memorySection(config.rssUsers, context);
  if (sections.has('offline')) {
    figures.offline = await offlineSection({ users: config.connections, rounds: config.rounds }, context);
  }

  const targets = targetsOf(figures);
  const table = new Table({ head: ['target', 'measured', ''] });
  for (const target of targets) table.push([target.name, target.value, target.verdict]);
  process.stdout.write(`\nTargets\n${table.toString()}\n`);

  const { pauseMs: _pauseMs, ...measured } = figures;
  const report = {
    startedAt: started.toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    config: { ...config, sections: [...sections] },
    ...measured,
    targets,
    endedAt: new Date().toISOString(),
  };
  const path = new URL(`./${stamp}.json`, resultsDir);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nfigures written to ${path.pathname}\n`);
}

/** The sections that share the throughput lab, in order. */
async function labSections(
  lab: Lab,
  config: BenchConfig,
  context: BenchContext,
  figures: BenchFigures,
  stamp: string,
): Promise<void> {
  const { sections } = config;
  if (sections.has('throughput')) {
    const profileDir = new URL(`./${stamp}-profiles/`, resultsDir).pathname;
    figures.throughput = await throughputSection(lab, { config, profileDir }, context);
  }
  if (sections.has('alternating')) {
    figures.alternating = await alternatingSection({
      url: lab.url,
      cookie: await fixedCookie(lab),
      password,
      connections: config.connections,
      sliceMs: config.sliceMs,
      rounds: config.turnRounds,
      watched: watchedOf(lab),
      log: context.log,
    });
  }
  if (sections.has('open')) {
    figures.open = await openModelSection(
      lab,
      {
        rate: config.openRate,
        durationSeconds: config.openDurationSeconds,
        users: config.openUsers,
        pauseMs: config.pauseMs,
      },
      context,
    );
  }
  if (sections.has('soak')) {
    figures.soak = await soakSection(lab, {
      users: config.connections,
      durationSeconds: config.soakSeconds,
      sampleSeconds: config.soakSampleSeconds,
      password,
      log: context.log,
    });
  }
}

const parsed = parseBenchArgs(process.argv.slice(2));
if ('help' in parsed) {
  process.stdout.write(helpText());
} else if ('problems' in parsed) {
  for (const problem of parsed.problems) process.stderr.write(`${problem}\n`);
  process.exitCode = 2;
} else {
  await bench(parsed.config);
}
