import { jwtVerify, SignJWT } from 'jose';

/** Stateless sessions: HS256 tokens whose only state is the secret; a backend with another secret rejects them. */
export class JwtSessions {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;

  constructor(secret: string, ttlSeconds: number) {
    this.#key = new TextEncoder().encode(secret);
    this.#ttlSeconds = ttlSeconds;
  }

  issue(user: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user)
      .setIssuedAt()
      .setExpirationTime(`${this.#ttlSeconds}s`)
      .sign(this.#key);
  }

  /** The user a token names, or undefined when it is forged, signed with another secret, or expired. */
  async verify(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'] });
      return payload.sub;
    } catch {
      return undefined;
    }
  }
}
