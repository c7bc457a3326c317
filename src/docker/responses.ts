import { z } from 'zod';

/**
 * The parts of Docker Engine API responses the tool reads (API 1.41 to 1.52). Unknown fields are allowed:
 * newer engines add fields, and a missing field we need is what must fail.
 */
const containerSummarySchema = z.object({
  Id: z.string().min(1),
  Names: z.array(z.string()).default([]),
  Image: z.string().default(''),
  State: z.string(),
  Labels: z.record(z.string(), z.string()).nullable().default({}),
});
export const containerListSchema = z.array(containerSummarySchema);

export const containerInspectSchema = z.object({
  Id: z.string().min(1),
  Name: z.string(),
  State: z.object({
    Status: z.enum(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']),
    // Podman answers "" for a container without a health check.
    Health: z.object({ Status: z.enum(['none', 'starting', 'healthy', 'unhealthy', '']) }).nullish(),
  }),
});

export const dockerEventSchema = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({
    ID: z.string(),
    Attributes: z.record(z.string(), z.string()).nullish(),
  }),
  time: z.number().optional(),
  timeNano: z.number(),
});

export const createdSchema = z.object({ Id: z.string().min(1) });

export const errorBodySchema = z.object({ message: z.string() });

/** `1.41` -> [1, 41]; undefined for anything else. */
export function parseApiVersion(text: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}
