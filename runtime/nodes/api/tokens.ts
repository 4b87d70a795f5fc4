/**
 * Access tokens that OAuth2Node handed out, each with a way to get a fresh one. An HTTP node
 * that gets a 401 while sending one of them asks for a replacement once, so a token revoked or
 * expired early on the server does not fail a run that the token cache could have saved.
 */

import type { RunContext } from '../../catalog/types';

/** Returns the new `Authorization` header value, or undefined when no fresh token can be had. */
export type Refresh = (ctx: RunContext) => Promise<string | undefined>;

const byToken = new Map<string, Refresh>();

export function registerToken(token: string, refresh: Refresh): void {
  byToken.set(token, refresh);
}

export function forgetToken(token: string): void {
  byToken.delete(token);
}

/** The refresher for the token in an `Authorization` header value (`<scheme> <token>`). */
export function refresherFor(authorization: string | undefined): Refresh | undefined {
  if (!authorization) return undefined;
  const token = authorization.slice(authorization.indexOf(' ') + 1).trim();
  return byToken.get(token);
}
