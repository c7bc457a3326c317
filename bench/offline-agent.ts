import { Http1Agent } from '../src/http/agent.js';
import { requestHead } from '../src/http/request-head.js';
import { ResponseParser } from '../src/http/response-parser.js';
import type { OutgoingRequest, ResponseSink } from '../src/http/types.js';

/**
 * Replaces the network under every agent of this process with a stand-in for the lab's backends: each request
 * head is still written, each answer still goes through the response parser, one event-loop turn later.
 * A login answers with a session cookie named after the user, `/me` with that user and a backend id, in the
 * bytes the lab's HAProxy sends. What remains to measure is session-chaos's own CPU per request, free of
 * the kernel's loopback work and of the lab's share of the cores, which make the lab figures move by 10%.
 */
export function answerOffline(password: string): void {
  const answers = new Map<string, Buffer>();
  const meAnswer = (user: string): Buffer => {
    let answer = answers.get(user);
    if (answer === undefined) {
      const body = JSON.stringify({ user, backend: 'b2' });
      answer = Buffer.from(
        `HTTP/1.1 200 OK\r\nx-backend-id: b2\r\nx-user: ${user}\r\ncontent-type: application/json\r\n` +
          `content-length: ${body.length}\r\ndate: Fri, 27 Nov 2026 03:00:00 GMT\r\nkeep-alive: timeout=65\r\n\r\n${body}`,
        'latin1',
      );
      answers.set(user, answer);
    }
    return answer;
  };
  const loginAnswer = (user: string): Buffer =>
    Buffer.from(
      `HTTP/1.1 200 OK\r\nx-backend-id: b1\r\nset-cookie: sid=${user}; Path=/; Max-Age=3600; HttpOnly\r\n` +
        'content-length: 0\r\n\r\n',
      'latin1',
    );
  // What the preflight's controls ask of the lab, answered as the lab would: a wrong password and a request
  // without a session get 401.
  const refused = Buffer.from('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n', 'latin1');
  Http1Agent.prototype.send = (request: OutgoingRequest, sink: ResponseSink): void => {
    requestHead(request, '127.0.0.1:1');
    const fields = new URLSearchParams(request.body);
    const user = (request.headers.cookie ?? '').match(/(?:^|; )sid=([^;]*)/)?.[1];
    const answer = request.path.startsWith('/login')
      ? fields.get('password') === password
        ? loginAnswer(fields.get('username') ?? 'nobody')
        : refused
      : user === undefined
        ? refused
        : meAnswer(user);
    const parser = new ResponseParser({
      onHead: (status, headers) => {
        sink.onHeaders(status, headers);
        return sink.headOnly;
      },
      onBody: (chunk, start, end) => sink.onData(chunk, start, end),
      onEnd: () => sink.onComplete(),
    });
    parser.reset(sink.keepHeaders);
    sink.onSent(() => undefined);
    setImmediate(() => parser.execute(answer));
  };
}
