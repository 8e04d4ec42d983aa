import { notice, type Notice, type NoticeKey, type NoticeParams } from "./notices.ts";

/**
 * An error meant for the user who caused it: a notice the renderer puts in their language.
 * Its code (for clients and the admin API) is the notice's key unless given.
 */
export class CommandError extends Error {
  readonly code: string;
  constructor(readonly notice: Notice, code?: string) {
    super(notice.key);
    this.code = code ?? notice.key;
  }
}

/** A CommandError from a key and its values: `fail("no_such_user", { nick })`. */
export function fail<K extends NoticeKey>(key: K, ...params: NoticeParams[K] extends Record<string, never> ? [] : [NoticeParams[K]]): CommandError {
  return new CommandError((notice as (k: NoticeKey, p?: object) => Notice)(key, params[0]));
}

/** The user, room or ban the command names does not exist (the admin API answers 404). */
export class NotFoundError extends CommandError {}

/** Raised into a pending prompt when its session goes away, ending whatever was waiting on it. */
export class SessionClosedError extends Error {
  constructor() {
    super("Session closed");
  }
}

/** A NotFoundError from a key and its values. */
export function missing<K extends NoticeKey>(key: K, params: NoticeParams[K]): NotFoundError {
  return new NotFoundError((notice as (k: NoticeKey, p?: object) => Notice)(key, params));
}
