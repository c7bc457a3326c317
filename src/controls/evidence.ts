import type { AnswerGist } from '../http/exchange.js';
import { redact } from '../util/redact.js';

/** One answer as a control saw it: what was asked and what came back. */
export interface Answer extends AnswerGist {
  /** `GET /account` */
  request: string;
}

const excerptLength = 160;

function flatten(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function cut(text: string): string {
  return text.length > excerptLength ? `${text.slice(0, excerptLength)}...` : text;
}

/**
 * What in a body explains it: the page's title and the text of an element that says what went wrong (an
 * error list, an alert, a JSON `error`/`message`), else the start of the text.
 */
export function explainBody(body: string | undefined): string {
  if (body === undefined || body.trim() === '') return '(empty body)';
  const parts: string[] = [];
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  if (title !== undefined && flatten(title) !== '') parts.push(`title "${flatten(title)}"`);
  const errorElement =
    /<([a-z][a-z0-9]*)[^>]*class="[^"]*\b(?:error\w*|errornote|alert[\w-]*|invalid[\w-]*|flash[\w-]*|message[\w-]*)\b[^"]*"[^>]*>([\s\S]*?)<\/\1>/i.exec(
      body,
    )?.[2];
  if (errorElement !== undefined && flatten(errorElement) !== '')
    parts.push(`error "${flatten(errorElement)}"`);
  const jsonError = /"(?:error|message|detail)"\s*:\s*"([^"]*)"/.exec(body)?.[1];
  if (parts.length === 0 && jsonError !== undefined) parts.push(`error "${jsonError}"`);
  if (parts.length === 0) return JSON.stringify(cut(flatten(body) || body.trim()));
  return cut(parts.join(', '));
}

/** Whether a page carries a CSRF field or meta tag a login would have to send back. */
export function carriesCsrfField(body: string | undefined): boolean {
  if (body === undefined) return false;
  return /<(?:input|meta)[^>]*name=["']?[\w-]*(?:csrf|xsrf|authenticity_token|__RequestVerificationToken)/i.test(
    body,
  );
}

/** The evidence lines of an answer, every secret blanked out. */
export function describeAnswer(answer: Answer, secrets: readonly string[]): string[] {
  const status = answer.status === undefined ? (answer.errorCode ?? 'no response') : `${answer.status}`;
  const location = answer.location === undefined ? '' : `, Location: ${answer.location}`;
  // Redacted before explainBody cuts it: a secret across the cut would leave its first characters.
  const body = answer.body === undefined ? undefined : redact(answer.body, secrets);
  const lines = [`${answer.request} -> ${status}${location}`, `  body: ${explainBody(body)}`];
  return lines.map((line) => redact(line, secrets));
}
