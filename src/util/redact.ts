const placeholder = '[redacted]';

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
}

/**
 * Pieces of base64 that appear in the encoding of any text containing the secret, whatever its offset (as in
 * `Basic base64(user:password)`): for each of the three alignments, the characters that depend on the
 * secret's bytes alone. A secret shorter than about four bytes has none that are safe to look for.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const whole = Math.floor(padded.length / 3) * 3;
    const first = offset === 0 ? 0 : 3;
    if (whole - first < 3) continue;
    cores.push(padded.subarray(first, whole).toString('base64'));
  }
  return cores;
}

/**
 * Every form a secret takes where the tool might print it: as it is; URL-encoded with `%20` and with `+` for
 * a space (a form body echoed back), upper- and lowercase hex; JSON-escaped (with and without `\uXXXX` for
 * non-ASCII and `\/`); HTML-escaped (an error page); and base64 (Basic auth).
 */
export function secretForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const json = JSON.stringify(secret).slice(1, -1);
  const asciiJson = json
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
  const html = secret.replace(/[&<>"']/g, (char) => htmlEntities[char] ?? char);
  const forms = [secret, uri, uri.replace(/%20/g, '+'), form, json, asciiJson, html, ...base64Cores(secret)];
  return [...new Set([...forms, ...forms.map(lowerHex)])].filter((form) => form.length > 0);
}

/** The forms of all secrets, longest first, so that a form containing another is replaced whole. */
function allForms(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((secret) => secret.length > 0).flatMap(secretForms))].sort(
    (a, b) => b.length - a.length,
  );
}

/** A function replacing every occurrence of every form of each secret (see secretForms) in one string value. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const forms = allForms(secrets);
  return (text) => {
    let result = text;
    for (const form of forms) if (result.includes(form)) result = result.split(form).join(placeholder);
    return result;
  };
}

export function redact(text: string, secrets: readonly string[]): string {
  return redactor(secrets)(text);
}
