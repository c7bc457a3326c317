import { execFileSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One instance of an app as the deployment starts it. */
export interface Instance {
  name: string;
  port: number;
  /** Where the app writes its request log, the ground truth. */
  truthLog: string;
}

interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * A third-party app the suite runs: how to ready its shared state once (a database of users) and how to start
 * one instance. Every app logs `<request id> <instance> <in|out> <user|-> <yes|no> <status>
 * <method> <path>` per request, so one parser reads them all (yes|no: whether it carried a credential).
 */
export interface ThirdPartyApp {
  name: string;
  /** Says what to install when the app's software is missing, so the suite fails saying so. */
  requireInstalled(): void;
  prepare(dir: string, users: number, password: string): void;
  /** Readies the instance's own files, if it has any, and says how to start it. */
  launch(instance: Instance, dir: string, password: string): Launch;
}

const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin' });

export const expressSession: ThirdPartyApp = {
  name: 'express-session',
  requireInstalled() {
    for (const name of ['express', 'express-session', 'morgan']) {
      try {
        createRequire(import.meta.url).resolve(name);
      } catch {
        throw new Error(`npm package ${name} is missing: npm ci installs it (a devDependency)`);
      }
    }
  },
  prepare() {},
  launch(instance, _dir, password) {
    return {
      command: process.execPath,
      args: [join(fixtures, 'express-session-app.mjs')],
      env: {
        ...baseEnv(),
        PORT: String(instance.port),
        INSTANCE: instance.name,
        TRUTH_LOG: instance.truthLog,
        APP_PASSWORD: password,
      },
    };
  },
};

// Debian's python3-django installs for Debian's own interpreter, which a pyenv or venv on PATH would hide.
const debianPython = '/usr/bin/python3';
const djangoSite = join(fixtures, 'django');

function djangoEnv(dir: string): Record<string, string> {
  return {
    ...baseEnv(),
    PYTHONPATH: djangoSite,
    // Nothing written into the source tree.
    PYTHONDONTWRITEBYTECODE: '1',
    DJANGO_SETTINGS_MODULE: 'thirdparty_settings',
    DJANGO_DB: join(dir, 'django.sqlite3'),
  };
}

export const djangoAdmin: ThirdPartyApp = {
  name: 'django-admin',
  requireInstalled() {
    const hint = 'install it with apt-get install -y python3-django (scripts/thirdparty-setup.sh does)';
    try {
      accessSync(debianPython, constants.X_OK);
      execFileSync(debianPython, ['-c', 'import django'], { stdio: 'pipe' });
    } catch {
      throw new Error(`Django for ${debianPython} is missing: ${hint}`);
    }
  },
  prepare(dir, users, password) {
    const env = djangoEnv(dir);
    execFileSync(debianPython, ['-m', 'django', 'migrate', '-v0'], { env, stdio: 'pipe' });
    // Staff users, because only staff may sign in to the admin.
    const create =
      'import sys\nfrom django.contrib.auth.models import User\n' +
      'for i in range(1, int(sys.argv[1]) + 1):\n' +
      '    User.objects.create_user(f"user{i}", password=sys.argv[2], is_staff=True)\n';
    execFileSync(debianPython, ['-c', `import django; django.setup()\n${create}`, String(users), password], {
      env,
      stdio: 'pipe',
    });
  },
  launch(instance, dir) {
    return {
      command: debianPython,
      args: ['-m', 'django', 'runserver', '--noreload', `127.0.0.1:${instance.port}`],
      env: { ...djangoEnv(dir), INSTANCE: instance.name, TRUTH_LOG: instance.truthLog },
    };
  },
};

// scripts/thirdparty-setup.sh installs Node-RED here, outside package.json: its 280 packages are the suite's alone.
const nodeRedMain = join(repoRoot, '.thirdparty/node-red/node_modules/node-red/red.js');

export const nodeRed: ThirdPartyApp = {
  name: 'node-red',
  requireInstalled() {
    try {
      accessSync(nodeRedMain);
    } catch {
      throw new Error(`Node-RED is missing (${nodeRedMain}): run scripts/thirdparty-setup.sh`);
    }
  },
  prepare() {},
  launch(instance, dir, password) {
    const userDir = join(dir, `${instance.name}-userdir`);
    mkdirSync(userDir);
    copyFileSync(join(fixtures, 'node-red/flows.json'), join(userDir, 'flows.json'));
    return {
      command: process.execPath,
      args: [nodeRedMain, '--settings', join(fixtures, 'node-red/settings.cjs'), '--userDir', userDir],
      env: {
        ...baseEnv(),
        PORT: String(instance.port),
        INSTANCE: instance.name,
        TRUTH_LOG: instance.truthLog,
        APP_PASSWORD: password,
      },
    };
  },
};
