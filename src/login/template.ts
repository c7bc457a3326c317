/** Replaces `{name}` with values[name]; placeholders without a value are left as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z_][\w-]*)\}/g, (whole, name: string) => values[name] ?? whole);
}
