import { errorCodes } from './error-codes.js';
import type { ResponseHeaders } from './types.js';

/** What the parser tells the connection, in order: one head, its body in pieces, the end of the message. */
export interface ResponseEvents {
  /** The final head (1xx heads are skipped). Returns whether the answer has no body (a HEAD request's). */
  onHead(status: number, headers: ResponseHeaders, keepAlive: boolean): boolean;
  /** Bytes `start` to `end` of `chunk` (not sliced: most bodies are only counted). */
  onBody(chunk: Buffer, start: number, end: number): void;
  onEnd(): void;
}

export const maxHeadBytes = 64 * 1024;

type State =
  | 'head'
  | 'sized-body'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-data-end'
  | 'trailers'
  | 'body-to-close'
  | 'done';

const crlfcrlf = Buffer.from('\r\n\r\n');

/** An HTTP/1.x response that cannot be read: the code says why (llhttp's names, as undici reports them). */
export class ParseError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

/**
 * A response parser for one exchange at a time, made for the engine's hot path: the head is found with one
 * native search and read as one string, so a response costs a fraction of what a general parser's line by
 * line state machine does. It frames bodies as RFC 9112 section 6 says: no body for 1xx, 204, 304 and HEAD;
 * chunked; Content-Length; else to the end of the connection. Bytes after the end of a message (nothing was
 * asked for them) leave `trailingBytes` set, so the connection is not reused.
 */
export class ResponseParser {
  trailingBytes = false;
  /** How long the server said it keeps an idle connection open (`Keep-Alive: timeout=N`), if it did. */
  idleTimeoutHintMs: number | undefined;
  readonly #events: ResponseEvents;
  #state: State = 'head';
  /** A head, chunk-size line or trailer split across reads. */
  #pending: Buffer | undefined;
  #remaining = 0;
  /** Where the valid bytes of the chunk being read end. */
  #chunkEnd = 0;
  #keepAlive = false;
  #keepHeaders: readonly string[] | undefined;

  constructor(events: ResponseEvents) {
    this.#events = events;
  }

  /**
   * Starts over for the next exchange on the same connection. `keepHeaders` (lower-case names) limits the
   * headers reported to those: most responses carry several that nobody reads.
   */
  reset(keepHeaders?: readonly string[]): void {
    this.#keepHeaders = keepHeaders;
    this.#state = 'head';
    this.#pending = undefined;
    this.trailingBytes = false;
  }

  /**
   * Reads the next bytes of the connection, the first `length` of `input` (a connection's shared read buffer
   * is passed as is: a view of it per read would cost more than the parsing); throws a ParseError when they
   * are not a response.
   */
  execute(input: Buffer, length = input.length): void {
    let chunk = input;
    this.#chunkEnd = length;
    if (this.#pending !== undefined) {
      chunk = Buffer.concat([this.#pending, input.subarray(0, length)]);
      this.#chunkEnd = chunk.length;
      this.#pending = undefined;
    }
    let offset = 0;
    while (offset < this.#chunkEnd) {
      switch (this.#state) {
        case 'head':
          offset = this.#head(chunk, offset);
          if (offset === -1) return;
          break;
        case 'sized-body':
        case 'chunk-data':
          offset = this.#counted(chunk, offset);
          break;
        case 'chunk-size':
        case 'trailers':
          offset = this.#line(chunk, offset);
          if (offset === -1) return;
          break;
        case 'chunk-data-end': {
          const expected = this.#remaining === 2 ? 0x0d : 0x0a;
          if (chunk[offset] !== expected) throw new ParseError(errorCodes.invalidChunk);
          offset += 1;
          this.#remaining -= 1;
          if (this.#remaining === 0) this.#state = 'chunk-size';
          break;
        }
        case 'body-to-close':
          this.#events.onBody(chunk, offset, this.#chunkEnd);
          offset = this.#chunkEnd;
          break;
        case 'done':
          this.trailingBytes = true;
          return;
      }
    }
  }

  /**
   * Hands on the body bytes still owed (of a sized body or a chunk) that this read holds; once all are, the
   * message ends or the chunk's CRLF is next.
   */
  #counted(chunk: Buffer, offset: number): number {
    const take = Math.min(this.#remaining, this.#chunkEnd - offset);
    this.#events.onBody(chunk, offset, offset + take);
    this.#remaining -= take;
    const next = offset + take;
    if (this.#remaining > 0) return next;
    if (this.#state === 'sized-body') {
      this.#end(next);
    } else {
      this.#state = 'chunk-data-end';
      this.#remaining = 2;
    }
    return next;
  }

  /** The connection ended. True when that completed the message (a body that runs to the close). */
  finish(): boolean {
    if (this.#state !== 'body-to-close') return false;
    this.#state = 'done';
    this.#events.onEnd();
    return true;
  }

  /** Parses a whole head from `offset`, or keeps the partial head and returns -1. */
  #head(chunk: Buffer, from: number): number {
    // Line breaks before the status line are skipped, as llhttp does (a server's stray CRLF after a body).
    let offset = from;
    while (offset < this.#chunkEnd && (chunk[offset] === 0x0d || chunk[offset] === 0x0a)) offset += 1;
    if (offset === this.#chunkEnd) return -1;
    const end = this.#find(chunk, crlfcrlf, offset, 4);
    if (end === -1) {
      rejectPartialHead(chunk, offset, this.#chunkEnd);
      this.#pending = Buffer.from(chunk.subarray(offset, this.#chunkEnd));
      return -1;
    }
    if (end - offset > maxHeadBytes) throw new ParseError(errorCodes.headerOverflow);
    const head = chunk.toString('latin1', offset, end);
    const next = end + 4;
    const version = versionOf(head);
    const status = statusOf(head);
    if (version === undefined || status === undefined) throw new ParseError(errorCodes.invalidResponse);
    if (!headShape.test(head)) throw new ParseError(headErrorOf(head));
    const { headers, contentLength, chunked, connection, idleTimeoutHintMs } = parseHeaderLines(
      head,
      this.#keepHeaders,
    );
    // 101 would switch protocols, which nobody asked for (llhttp stops there too); other 1xx are interim
    // and the final head follows.
    if (status === 101) throw new ParseError(errorCodes.unrequestedUpgrade);
    if (status < 200) return next;
    this.idleTimeoutHintMs = idleTimeoutHintMs;
    const minor = version === 11 ? 1 : 0;
    const closeDelimited = !chunked && contentLength === undefined;
    this.#keepAlive =
      (minor === 1 ? !connection.includes('close') : connection.includes('keep-alive')) &&
      !(closeDelimited && status !== 204 && status !== 304);
    const headOnly = this.#events.onHead(status, headers, this.#keepAlive);
    if (headOnly || status === 204 || status === 304) {
      this.#end(next);
    } else if (chunked) {
      this.#state = 'chunk-size';
    } else if (contentLength !== undefined) {
      this.#remaining = contentLength;
      this.#state = 'sized-body';
      if (contentLength === 0) this.#end(next);
    } else {
      this.#state = 'body-to-close';
    }
    return next;
  }

  /** A chunk-size line or a trailer line; -1 when the line is not complete yet. */
  #line(chunk: Buffer, offset: number): number {
    const end = this.#find(chunk, 0x0a, offset, 1);
    if (end === -1) {
      if (this.#chunkEnd - offset > maxHeadBytes) throw new ParseError(errorCodes.headerOverflow);
      this.#pending = Buffer.from(chunk.subarray(offset, this.#chunkEnd));
      return -1;
    }
    const line = chunk.toString('latin1', offset, chunk[end - 1] === 0x0d ? end - 1 : end);
    if (this.#state === 'trailers') {
      if (line === '') this.#end(end + 1);
      return end + 1;
    }
    const extension = line.indexOf(';');
    const hex = (extension === -1 ? line : line.slice(0, extension)).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new ParseError(errorCodes.invalidChunk);
    const size = Number.parseInt(hex, 16);
    if (size === 0) this.#state = 'trailers';
    else {
      this.#state = 'chunk-data';
      this.#remaining = size;
    }
    return end + 1;
  }

  /** Where `needle` (`size` bytes) starts in this read, from `offset`; -1 when it does not end within it. */
  #find(chunk: Buffer, needle: Buffer | number, offset: number, size: number): number {
    const at = chunk.indexOf(needle, offset);
    return at === -1 || at + size > this.#chunkEnd ? -1 : at;
  }

  #end(offset: number): void {
    this.#state = 'done';
    if (offset < this.#chunkEnd) this.trailingBytes = true;
    this.#events.onEnd();
  }
}

/**
 * The version of a status line: 10 or 11, with 0.9 and 2.0 read as 1.0 (llhttp accepts both and keeps such a
 * connection alive only when asked to, as for 1.0); undefined for anything else.
 */
function versionOf(head: string): 10 | 11 | undefined {
  if (!head.startsWith('HTTP/') || head.charCodeAt(8) !== 0x20 || head.charCodeAt(6) !== 0x2e)
    return undefined;
  const major = head.charCodeAt(5);
  const minor = head.charCodeAt(7);
  if (major === 0x31 && minor === 0x31) return 11;
  if ((major === 0x31 || major === 0x32) && minor === 0x30) return 10;
  return major === 0x30 && minor === 0x39 ? 10 : undefined;
}

const httpPrefix = Buffer.from('HTTP/');

/**
 * Fails at once on the start of a head that cannot become one, as llhttp does, rather than waiting for a blank
 * line that never comes: bytes that do not begin "HTTP/" (another protocol on the port), a line ending in a
 * bare LF (no CR before it), or a head already past the size limit.
 */
function rejectPartialHead(chunk: Buffer, offset: number, end: number): void {
  const prefix = Math.min(httpPrefix.length, end - offset);
  if (chunk.compare(httpPrefix, 0, prefix, offset, offset + prefix) !== 0) {
    throw new ParseError(errorCodes.invalidResponse);
  }
  for (let lf = chunk.indexOf(0x0a, offset); lf !== -1 && lf < end; lf = chunk.indexOf(0x0a, lf + 1)) {
    if (chunk[lf - 1] !== 0x0d) throw new ParseError(errorCodes.crExpected);
  }
  if (end - offset > maxHeadBytes) throw new ParseError(errorCodes.headerOverflow);
}

/**
 * What llhttp accepts as a response head (the blank line excluded): the status line, whose reason phrase may
 * hold anything but CR and LF, then header lines `name:value`, the name a token (no blank before the colon),
 * the value made of tabs, visible characters and bytes from 0x80 (no control byte, no bare CR or LF, no
 * obs-fold: llhttp refuses folded lines in a response).
 */
const headShape =
  /^HTTP\/\d\.\d \d{3}(?:[ \t][^\r\n]*)?(?:\r\n[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\x80-\xff]*)*$/;

/** Which of llhttp's codes a head that does not have the shape above earns (only looked for on failure). */
function headErrorOf(head: string): string {
  const statusEnd = head.indexOf('\r\n');
  const statusLine = statusEnd === -1 ? head : head.slice(0, statusEnd);
  if (/[\r\n]/.test(statusLine)) return errorCodes.crExpected;
  const lines = statusEnd === -1 ? [] : head.slice(statusEnd + 2).split('\r\n');
  for (const line of lines) {
    if (/\n/.test(line)) return errorCodes.crExpected;
    if (/\r/.test(line)) return errorCodes.lfExpected;
  }
  return errorCodes.invalidHeaderToken;
}

/** The three digits after "HTTP/1.x ", followed by a space or the end of the line. */
function statusOf(head: string): number | undefined {
  let status = 0;
  for (let at = 9; at < 12; at++) {
    const digit = head.charCodeAt(at) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return undefined;
    status = status * 10 + digit;
  }
  const after = head.charCodeAt(12);
  const ends = after === 0x20 || after === 0x0d || Number.isNaN(after);
  return ends && status >= 100 ? status : undefined;
}

/** The digits from `from` to `to` as a number; undefined unless they are 1 to 15 digits and nothing else. */
function decimalAt(head: string, from: number, to: number): number | undefined {
  if (to <= from || to - from > 15) return undefined;
  let value = 0;
  for (let at = from; at < to; at++) {
    const digit = head.charCodeAt(at) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

// A server sends the same Keep-Alive value on every answer: it is read once, not once per response.
let lastKeepAlive = '';
let lastIdleTimeoutHintMs: number | undefined;

function idleTimeoutHintOf(keepAlive: string): number | undefined {
  if (keepAlive !== lastKeepAlive) {
    const seconds = /(?:^|[,;\s])timeout\s*=\s*(\d{1,9})/i.exec(keepAlive)?.[1];
    lastKeepAlive = keepAlive;
    lastIdleTimeoutHintMs = seconds === undefined ? undefined : Number(seconds) * 1000;
  }
  return lastIdleTimeoutHintMs;
}

interface ParsedHeaders {
  headers: Record<string, string | string[]>;
  contentLength: number | undefined;
  chunked: boolean;
  transferEncoding: boolean;
  /** The Connection header's tokens, lower-cased. */
  connection: string;
  idleTimeoutHintMs: number | undefined;
}

const isBlank = (code: number): boolean => code === 0x20 || code === 0x09;

const framingNames = ['content-length', 'transfer-encoding', 'connection', 'keep-alive'] as const;

/**
 * The lower-case name of the header at `start`..`colon` if it is one of `names`: that string itself, so that
 * it serves as a property key without being hashed again. Compared in place, letters folded to lower case,
 * so that no name is sliced out of the head to be compared.
 */
function nameAmong(head: string, start: number, colon: number, names: readonly string[]): string | undefined {
  const length = colon - start;
  for (const name of names) {
    if (name.length === length && (head.startsWith(name, start) || sameFolded(head, start, name)))
      return name;
  }
  return undefined;
}

/** Whether `head` from `start` spells the lower-case `name`, whatever the case of its letters. */
function sameFolded(head: string, start: number, name: string): boolean {
  for (let at = 0; at < name.length; at++) {
    const code = head.charCodeAt(start + at);
    const lower = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
    if (lower !== name.charCodeAt(at)) return false;
  }
  return true;
}

/**
 * The header lines after the status line: names lower-cased, repeated names gathered in an array. With `keep`,
 * only those headers are reported (the framing ones are read all the same).
 */
function parseHeaderLines(head: string, keep: readonly string[] | undefined): ParsedHeaders {
  const parsed: ParsedHeaders = {
    headers: {},
    contentLength: undefined,
    chunked: false,
    transferEncoding: false,
    connection: '',
    idleTimeoutHintMs: undefined,
  };
  const { headers } = parsed;
  let start = head.indexOf('\r\n');
  while (start !== -1) {
    start += 2;
    const lineEnd = head.indexOf('\r\n', start);
    const end = lineEnd === -1 ? head.length : lineEnd;
    const colon = head.indexOf(':', start);
    if (colon === -1 || colon > end || colon === start) throw new ParseError(errorCodes.invalidHeaderToken);
    const reported =
      keep === undefined ? head.slice(start, colon).toLowerCase() : nameAmong(head, start, colon, keep);
    const name = reported ?? nameAmong(head, start, colon, framingNames);
    if (name === undefined) {
      start = lineEnd;
      continue;
    }
    let from = colon + 1;
    let to = end;
    while (from < to && isBlank(head.charCodeAt(from))) from += 1;
    while (to > from && isBlank(head.charCodeAt(to - 1))) to -= 1;
    const value = head.slice(from, to);
    if (reported !== undefined) {
      const seen = headers[reported];
      if (seen === undefined) headers[reported] = value;
      else if (typeof seen === 'string') headers[reported] = [seen, value];
      else seen.push(value);
    }
    if (name === 'content-length') {
      const length = decimalAt(head, from, to);
      if (length === undefined) throw new ParseError(errorCodes.invalidContentLength);
      // Even an equal repeat: llhttp refuses it, and a balancer that repeats a length may have joined two.
      if (parsed.contentLength !== undefined) throw new ParseError(errorCodes.invalidContentLength);
      parsed.contentLength = length;
    } else if (name === 'transfer-encoding') {
      parsed.transferEncoding = true;
      parsed.chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
    } else if (name === 'connection') {
      parsed.connection += value.toLowerCase();
    } else if (name === 'keep-alive') {
      parsed.idleTimeoutHintMs = idleTimeoutHintOf(value) ?? parsed.idleTimeoutHintMs;
    }
    start = lineEnd;
  }
  // A body both sized and transfer-coded is an error (RFC 9112 section 6.3), as llhttp has it: which of the two
  // a balancer on the way believed is anyone's guess, so neither the answer nor the connection is trusted.
  if (parsed.transferEncoding && parsed.contentLength !== undefined) {
    throw new ParseError(errorCodes.invalidTransferEncoding);
  }
  return parsed;
}
