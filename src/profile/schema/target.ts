import { z } from 'zod';
import { httpClientNames } from '../../http/client-names.js';
import { absoluteUrl, headers, positiveInt, shortDuration, strictObject } from './common.js';
import { atMost, limits } from './limits.js';

export const targetSchema = strictObject({
  url: absoluteUrl.describe(
    'Base URL of the load balancer under test; request paths are resolved against it.',
  ),
  timeout: shortDuration.prefault('5s').describe('Per-request timeout.'),
  maxBodyBytes: positiveInt
    .max(limits.maxBodyBytes, { error: atMost(limits.maxBodyBytes, ' bytes') })
    .default(65_536)
    .describe('Response bytes read per request; the rest is discarded and counted.'),
  headers: headers.default({}).describe('Headers sent with every request.'),
  client: z
    .enum(httpClientNames)
    .default('engine')
    .describe(
      "The HTTP client that sends the run's requests: `engine` (session-chaos's own) or `undici` (llhttp), the reference to check a number against.",
    ),
});
