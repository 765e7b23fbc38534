// The part of autocannon's programmatic API the bench uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface RequestSpec {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }

  export interface Request<C> extends RequestSpec {
    /** Returns the request to send (or a falsy value to restart the sequence). */
    setupRequest?: (
      req: Required<Pick<RequestSpec, 'headers'>> & RequestSpec,
      context: C,
    ) => RequestSpec | null | undefined;
    onResponse?: (status: number, body: string, context: C, headers: Record<string, string>) => void;
  }

  export interface Options<C> {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    maxOverallRequests?: number;
    timeout?: number;
    pipelining?: number;
    headers?: Record<string, string>;
    requests?: Request<C>[];
    initialContext?: C;
    setupClient?: (client: EventEmitter) => void;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }

  export interface Instance extends EventEmitter {
    stop(): void;
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): this;
    on(event: 'done', listener: (result: Result) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  function autocannon<C = Record<string, unknown>>(
    opts: Options<C>,
    cb: (err: Error | null, result: Result) => void,
  ): Instance;
  export default autocannon;
}
