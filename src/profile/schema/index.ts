import { z } from 'zod';
import { authSchema } from './auth.js';
import { chaosPlanSizeIssues, chaosSchema } from './chaos.js';
import { classifySchema, reloginSchema } from './classify.js';
import { strictObject } from './common.js';
import { labSchema } from './lab.js';
import { atMost, limits } from './limits.js';
import { outputsSchema } from './outputs.js';
import { targetSchema } from './target.js';
import { thresholdsSchema } from './thresholds.js';
import { trafficSchema } from './traffic.js';

/** The one source of truth for profiles: validation, defaults, types, and the shipped JSON Schema. */
export const profileSchema = strictObject({
  $schema: z.string().optional().describe('The JSON Schema the editor checks this file against.'),
  name: z.string().min(1).optional().describe("The run's name in the reports (default: the file name)."),
  description: z.string().optional().describe('Free text for the reader; the tool ignores it.'),
  target: targetSchema,
  auth: authSchema,
  traffic: trafficSchema.prefault({}),
  classify: classifySchema.prefault({}),
  relogin: reloginSchema.prefault('relogin').describe('On a mismatch: relogin, never, or "after N".'),
  chaos: chaosSchema.prefault({}),
  thresholds: thresholdsSchema,
  outputs: outputsSchema.prefault({}),
  lab: labSchema
    .optional()
    .describe('The reference lab this profile runs on in `matrix` and `demo` (`run` ignores it).'),
})
  .transform((profile) => ({
    ...profile,
    traffic: {
      ...profile.traffic,
      duration:
        profile.traffic.duration === undefined && profile.traffic.requests === undefined
          ? 30_000
          : profile.traffic.duration,
    },
  }))
  .superRefine((profile, ctx) => {
    for (const issue of chaosPlanSizeIssues(profile.chaos, profile.traffic.duration)) {
      ctx.addIssue({ code: 'custom', ...issue });
    }
    // Every user may have a response in flight, each holding up to maxBodyBytes.
    const inFlight = profile.traffic.users * profile.target.maxBodyBytes;
    if (inFlight > limits.bodyBytesInFlight) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'maxBodyBytes'],
        message: `times traffic.users is ${Math.round(inFlight / 2 ** 20).toLocaleString('en-US')} MiB of bodies in flight; ${atMost(limits.bodyBytesInFlight / 2 ** 30, ' GiB')}`,
      });
    }
  });

export type Profile = z.output<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
