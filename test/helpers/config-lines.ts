/** A generated balancer config as its lines, indentation dropped: a directive is found by its text alone. */
export function configLines(config: string): string[] {
  return config.split('\n').map((line) => line.trim());
}
