/** ANSI styles, or identity functions when colour is off: the renderers stay pure and take `color` as data. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function createStyle(color: boolean): Style {
  if (!color) return { bold: plain, dim: plain, green: plain, red: plain, yellow: plain };
  return {
    bold: ansi(1, 22),
    dim: ansi(2, 22),
    green: ansi(32, 39),
    red: ansi(31, 39),
    yellow: ansi(33, 39),
  };
}

/**
 * Colour and box drawing only for a terminal, and never when NO_COLOR is set to anything but the empty string
 * (no-color.org).
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColor = env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}
