import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { LabError } from '../../errors.js';
import { docker } from './cli.js';
import { engine } from './engine.js';

const backendImageRepository = 'session-chaos-lab-backend';
const bundleInImage = '/app/backend.cjs';
const imageLabel = 'session-chaos.image=lab-backend';

/** The shared libraries (and the dynamic loader) that `ldd` says a binary needs, as absolute paths. */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match?.[1]) paths.push(match[1]);
  }
  return paths;
}

export function backendDockerfile(nodePath: string, libraryPaths: readonly string[]): string {
  const libraryDirs = [...new Set(libraryPaths.map((path) => dirname(path)))];
  return [
    'FROM scratch',
    'COPY . /',
    // Without ld.so.cache in the image the loader looks only here (and in its built-in trusted dirs).
    ...(libraryDirs.length > 0 ? [`ENV LD_LIBRARY_PATH=${libraryDirs.join(':')}`] : []),
    `LABEL ${imageLabel}`,
    `ENTRYPOINT ${JSON.stringify([nodePath, bundleInImage])}`,
    '',
  ].join('\n');
}

/** Files going into the image: this machine's node and its libraries at their own paths, plus the bundle. */
interface ImageFile {
  source: string;
  target: string;
}

/**
 * A tag naming the image's content. System files count by path, size and mtime (hashing a 100 MB node
 * binary on every lab start would cost more than it saves); the bundle and Dockerfile count by content.
 */
function imageTag(files: readonly ImageFile[], bundlePath: string, dockerfile: string): string {
  const hash = createHash('sha256').update(dockerfile).update(readFileSync(bundlePath));
  for (const file of files) {
    const stat = statSync(file.source);
    hash.update(`${file.target}\0${stat.size}\0${stat.mtimeMs}\0`);
  }
  return `${backendImageRepository}:${hash.digest('hex').slice(0, 16)}`;
}

/** This machine's node and the libraries it loads, each to go into the image at its own path. */
async function systemFiles(nodePath: string): Promise<{ node: ImageFile; libraries: ImageFile[] }> {
  let lddOutput = '';
  try {
    lddOutput = (await promisify(execFile)('ldd', [nodePath])).stdout;
  } catch {
    // A statically linked node needs nothing else; ldd says so with a non-zero exit.
  }
  const file = (target: string): ImageFile => ({ source: realpathSync(target), target });
  return { node: file(nodePath), libraries: parseLdd(lddOutput).map(file) };
}

function placeFile(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

/**
 * Removes builds of the lab image that no container uses and that are over an hour old: several checkouts
 * on one machine may build different bundles at once, and a fresh image may be about to be run.
 */
async function pruneOldImages(): Promise<void> {
  await engine()
    .pruneImages({ label: [imageLabel], until: ['1h'], dangling: ['false'] })
    .catch(() => {});
}

/**
 * Builds the lab backend image FROM scratch (no registry needed) unless an image with the same content tag
 * exists. Returns the tag.
 */
export async function ensureBackendImage(bundlePath: string, nodePath = process.execPath): Promise<string> {
  const { node, libraries } = await systemFiles(nodePath);
  const files = [node, ...libraries];
  const dockerfile = backendDockerfile(
    nodePath,
    libraries.map((file) => file.target),
  );
  const tag = imageTag(files, bundlePath, dockerfile);
  if (await engine().imageExists(tag)) return tag;

  const context = mkdtempSync(join(tmpdir(), 'session-chaos-image-'));
  try {
    for (const file of files) placeFile(file.source, join(context, file.target));
    placeFile(bundlePath, join(context, bundleInImage));
    writeFileSync(join(context, 'Dockerfile'), dockerfile);
    writeFileSync(join(context, '.dockerignore'), 'Dockerfile\n.dockerignore\n');
    // The one step left to the docker CLI: the API's /build wants the context as a tar stream (this machine's
    // node and libraries, ~100 MB), which would mean a tar writer here for what `docker build` already does.
    await docker(['build', '--quiet', '--tag', tag, context]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LabError(`could not build the lab backend image ${tag}: ${reason}`, { cause: error });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  await pruneOldImages();
  return tag;
}
