// Builds the lab backend image from the built bundle (skipped when an image with the same content exists).
import { ensureBackendImage } from '../dist/lab/docker/image.js';
import { backendBundlePath } from '../dist/lab/paths.js';

const started = performance.now();
const tag = await ensureBackendImage(backendBundlePath);
console.log(`lab-setup: lab backend image ${tag} ready (${Math.round(performance.now() - started)} ms)`);
