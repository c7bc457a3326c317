/**
 * Colours of the HTML report, shared by the page's script and the tables around it. From Okabe and Ito's
 * palette, which stays distinguishable with the common colour-vision deficiencies; marks on the pin map are
 * also shapes, never colour alone.
 */
export const classColors = {
  ok: '#0072B2',
  mismatch: '#D55E00',
  wrong_user: '#CC79A7',
  expired: '#F0E442',
  error: '#000000',
  unexpected: '#56B4E9',
} as const;

/** Backends in order of first answer; the ninth and later repeat (the pin map's table names each). */
export const backendColors = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];
export const unknownBackendColor = '#999999';

/** Chaos bands: issued to done, then done to back. */
export const bandColors = { acting: 'rgba(213, 94, 0, 0.30)', down: 'rgba(213, 94, 0, 0.12)' } as const;

export function backendColor(index: number): string {
  return backendColors[index % backendColors.length] ?? unknownBackendColor;
}

/** The id of the script element that carries the page's data. */
export const pageDataId = 'session-chaos-data';
