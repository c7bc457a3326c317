import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretForms } from '../../src/util/redact.js';
import { testDir } from '../helpers/test-dir.js';
import { runCli } from './run-cli.js';

const password = `p@ss w%rd+&"é/\\:'<>`;
const html: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A form login whose error page repeats what it was sent in every way servers do: the raw form body (`+` for a
 * space), the password URL-encoded with %20, JSON-escaped, HTML-escaped, and the Basic auth it would take.
 * The first `accept` logins with the right password succeed.
 */
async function echoingServer(accept: number): Promise<{ url: string; server: Server }> {
  let accepted = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.method === 'POST' && request.url === '/login') {
        const fields = new URLSearchParams(body);
        const sent = fields.get('password') ?? '';
        if (sent === password && accepted < accept) {
          accepted++;
          response.writeHead(200, { 'set-cookie': `sid=s${accepted}; Path=/` }).end('ok');
          return;
        }
        const page = [
          `<p>Login failed: you sent ${body}</p>`,
          `<p>password=${encodeURIComponent(sent)}</p>`,
          `<script>var sent = ${JSON.stringify(sent)};</script>`,
          `<p>${sent.replace(/[&<>"']/g, (c) => html[c] ?? c)}</p>`,
          `<p>try: Authorization: Basic ${Buffer.from(`${fields.get('username')}:${sent}`).toString('base64')}</p>`,
        ].join('\n');
        response.writeHead(401, { 'content-type': 'text/html' }).end(page);
        return;
      }
      const loggedIn = (request.headers.cookie ?? '').includes('sid=');
      response.writeHead(loggedIn ? 200 : 401, { 'x-backend-id': 'b1' }).end(loggedIn ? 'me' : 'who?');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let running: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => running?.close(resolve) ?? resolve(undefined));
  running = undefined;
});

/** Every output of a run: stdout, stderr and each file it wrote, by name. */
function outputsOf(dir: string, streams: { stdout: string; stderr: string }): Record<string, string> {
  const files = readdirSync(dir).filter((name) => name !== 'p.yaml');
  return {
    ...streams,
    ...Object.fromEntries(files.map((name) => [name, readFileSync(join(dir, name), 'utf8')])),
  };
}

function expectNoForm(outputs: Record<string, string>): void {
  const forms = secretForms(password);
  for (const [name, text] of Object.entries(outputs)) {
    for (const form of forms)
      expect(text.includes(form), `${name} shows ${JSON.stringify(form)}`).toBe(false);
  }
}

async function run(accept: number, extra: string[] = []) {
  const { url, server } = await echoingServer(accept);
  running = server;
  const dir = testDir('session-chaos-redaction-');
  writeFileSync(
    join(dir, 'p.yaml'),
    `target:\n  url: ${url}\nauth:\n  credentials:\n    password: \${LAB_PASSWORD}\ntraffic:\n  users: 3\n  requests: 30\n`,
  );
  const outputs = ['--json', 'r.json', '--junit', 'r.xml', '--markdown', 'r.md', '--trace', 'trace.jsonl'];
  const args = [
    'run',
    '--profile',
    join(dir, 'p.yaml'),
    ...outputs.map((o) => (o.startsWith('--') ? o : join(dir, o))),
  ];
  const result = await runCli([...args, ...extra], { LAB_PASSWORD: password });
  return { ...result, dir };
}

describe('a password of special characters, echoed by the server in every encoding', () => {
  it('shows in no form on stderr when the probe login fails (exit 3)', async () => {
    const { code, stdout, stderr, dir } = await run(0);
    expect(code).toBe(3);
    expect(stderr).toContain('the probe login as user1 failed');
    expect(stderr).toContain('[redacted]');
    expectNoForm(outputsOf(dir, { stdout, stderr }));
  });

  it('shows in no output file, stdout or stderr when the users cannot log in (exit 4)', async () => {
    const { code, stdout, stderr, dir } = await run(1);
    expect(code).toBe(4);
    const outputs = outputsOf(dir, { stdout, stderr });
    expect(Object.keys(outputs).sort()).toEqual([
      'r.json',
      'r.md',
      'r.xml',
      'stderr',
      'stdout',
      'trace.jsonl',
    ]);
    expectNoForm(outputs);
  });

  it('shows in no form in --dry-run', async () => {
    const { code, stdout } = await run(0, ['--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toContain('"password": "[redacted]"');
    expectNoForm({ stdout });
  });
});

describe('--dry-run with a one-letter secret', () => {
  it('redacts values and leaves every key whole', async () => {
    const dir = testDir('session-chaos-redaction-');
    const path = join(dir, 'p.yaml');
    writeFileSync(
      path,
      'name: a team\ntarget:\n  url: http://127.0.0.1:9\nauth:\n  credentials:\n    password: ${PW}\n',
    );
    const { code, stdout } = await runCli(['run', '--dry-run', '--profile', path], { PW: 'a' });
    expect(code).toBe(0);
    const profile = JSON.parse(stdout.slice(0, stdout.lastIndexOf('}') + 1)) as Record<string, unknown>;
    expect(Object.keys(profile)).toContain('name');
    expect(profile.name).toBe('[redacted] te[redacted]m');
    expect(stdout).not.toContain('[redacted]uth');
    expect(profile.target).toMatchObject({ maxBodyBytes: 65536 });
  });
});
