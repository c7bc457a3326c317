import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerProblems } from '../../scripts/check-imports.js';
import { testDir } from '../helpers/test-dir.js';

const check = (root?: string) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/check-imports.ts', ...(root === undefined ? [] : [root])],
    { encoding: 'utf8' },
  );

// A process that loads tsx takes seconds on a loaded machine.
const slow = { timeout: 30_000 };

describe('the layer check', () => {
  it('passes on the repository', slow, () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('prints each import against the order with its rule, and exits 1', slow, () => {
    const root = testDir('check-imports-');
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('src/util/clock.ts', "import { run } from '../run/run.js';\n");
    write('src/run/run.ts', "import { now } from '../util/clock.js';\n");
    for (const dir of ['bench', 'scripts']) mkdirSync(join(root, dir));
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'src/util/clock.ts imports src/run/run.ts: src/util/ is below src/run/; a layer imports only downward',
    );
    expect(result.stderr).not.toContain('src/run/run.ts imports');
  });
});

describe('layerProblems', () => {
  // Each import is written `file -> target`.
  it.each([
    {
      rule: 'lets a layer import its own row and the rows below',
      imports: [
        'src/report/view.ts -> src/findings/types.ts',
        'src/cli/program.ts -> src/version.ts',
        'bench/engine.ts -> src/run/pipeline.ts',
        'src/run/run.ts -> src/run/report.ts',
      ],
      problems: [],
    },
    {
      rule: 'refuses an import up the layers, and one from src/ to outside it',
      imports: [
        'src/profile/load.ts -> src/report/view.ts',
        'src/run/run.ts -> bench/stats.ts',
        'src/http/x.ts -> test/helpers/records.ts',
      ],
      problems: [
        'src/profile/load.ts imports src/report/view.ts: src/profile/ is below src/report/; a layer imports only downward',
        'src/run/run.ts imports bench/stats.ts: src/run/ is below bench/; a layer imports only downward',
        'src/http/x.ts imports test/helpers/records.ts: src/ imports nothing outside src/',
      ],
    },
    {
      rule: 'refuses folders of one row that import each other in a circle, naming every import of the circle',
      imports: [
        'src/login/login.ts -> src/traffic/send.ts',
        'src/traffic/engine.ts -> src/login/login.ts',
        'src/traffic/engine.ts -> src/classify/classify.ts',
      ],
      problems: [
        'src/login/login.ts imports src/traffic/send.ts: folders import each other in a circle (src/login/, src/traffic/)',
        'src/traffic/engine.ts imports src/login/login.ts: folders import each other in a circle (src/login/, src/traffic/)',
      ],
    },
    {
      rule: "keeps the lab's programs apart, and a folder the diagram does not name is a problem",
      imports: [
        'src/lab-relay/relay.ts -> src/util/clock.ts',
        'src/lab/index.ts -> src/lab-backend/app.ts',
        'src/lab-backend/app.ts -> src/lab-contract/backend-config.ts',
        'src/newthing/a.ts -> src/util/clock.ts',
      ],
      problems: [
        'src/lab-relay/relay.ts imports src/util/clock.ts: src/lab-relay/ is a program of the lab; it imports only src/lab-contract/',
        'src/lab/index.ts imports src/lab-backend/app.ts: src/lab-backend/ is a program of the lab; share through src/lab-contract/',
        'src/newthing/a.ts: its folder is in no layer (add it to ARCHITECTURE.md and scripts/check-imports.ts)',
      ],
    },
  ])('$rule', ({ imports, problems }) => {
    const edges = imports.map((edge) => {
      const [file = '', target = ''] = edge.split(' -> ');
      return { file, target };
    });
    expect(layerProblems(edges)).toEqual(problems);
  });
});
