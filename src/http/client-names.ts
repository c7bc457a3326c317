/**
 * The names `target.client` takes; `clients.ts` maps each to its implementation (and fails to compile when one
 * is missing). Apart, so that the profile's schema names them without loading the clients.
 */
export const httpClientNames = ['engine', 'undici'] as const;
export type HttpClientName = (typeof httpClientNames)[number];
