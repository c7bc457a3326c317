import type { Extractor } from '../profile/schema/common.js';
import { compileJsonPath } from './json-path.js';
import type { ResponseRecord } from './record.js';

/** What an extractor reads from: the record, and its body parsed as JSON at most once per record. */
export class ExtractionSource {
  readonly record: ResponseRecord;
  #parsed: { value: unknown } | undefined;

  constructor(record: ResponseRecord) {
    this.record = record;
  }

  /** The body as JSON; a missing, truncated or invalid body reads as undefined. */
  json(): unknown {
    if (this.#parsed === undefined) {
      let value: unknown;
      const { body, bodyTruncated } = this.record;
      if (body !== undefined && !bodyTruncated) {
        try {
          value = JSON.parse(body);
        } catch {
          value = undefined;
        }
      }
      this.#parsed = { value };
    }
    return this.#parsed.value;
  }
}

export type CompiledExtractor = (source: ExtractionSource) => string | undefined;

/** The first capture group when the pattern has one, else the whole match. */
function capture(pattern: RegExp, text: string): string | undefined {
  const match = pattern.exec(text);
  if (match === null) return undefined;
  return match.length > 1 ? match[1] : match[0];
}

/** A header's or cookie's value, narrowed to the optional pattern's capture. */
function patterned(
  read: (record: ResponseRecord) => string | undefined,
  pattern: string | undefined,
): CompiledExtractor {
  const compiled = pattern === undefined ? undefined : new RegExp(pattern);
  return ({ record }) => {
    const value = read(record);
    return value === undefined || compiled === undefined ? value : capture(compiled, value);
  };
}

export function compileExtractor(extractor: Extractor): CompiledExtractor {
  switch (extractor.from) {
    case 'header': {
      const name = extractor.name.toLowerCase();
      return patterned((record) => record.headers[name], extractor.pattern);
    }
    case 'cookie': {
      const { name } = extractor;
      return patterned((record) => record.cookies[name], extractor.pattern);
    }
    case 'json': {
      const read = compileJsonPath(extractor.path);
      return (source) => read(source.json());
    }
    case 'regex': {
      const pattern = new RegExp(extractor.pattern);
      return ({ record }) => (record.body === undefined ? undefined : capture(pattern, record.body));
    }
  }
}
