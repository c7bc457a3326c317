// Measures how long a lab takes to start and to stop, with backends as Docker containers and as processes.
// Run after `npm run build`: node scripts/lab-timings.mjs [rounds]
import { startLab } from '../dist/lab/index.js';

const rounds = Number(process.argv[2] ?? 3);
const setups = [
  { balancer: 'haproxy-roundrobin', sessions: 'memory' },
  { balancer: 'nginx-iphash', sessions: 'redis' },
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const runtime of ['process', 'docker']) {
  for (const setup of setups) {
    const starts = [];
    const stops = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const lab = await startLab({ ...setup, runtime, backends: 3 });
      const t1 = performance.now();
      await lab.stop();
      starts.push(t1 - t0);
      stops.push(performance.now() - t1);
    }
    const fmt = (values) => `median ${Math.round(median(values))} ms (${values.map(Math.round).join(', ')})`;
    console.log(
      `${runtime.padEnd(7)} ${setup.balancer}/${setup.sessions}, 3 backends: start ${fmt(starts)}; stop ${fmt(stops)}`,
    );
  }
}
