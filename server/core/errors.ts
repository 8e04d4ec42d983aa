/** An error whose message is meant for the user who caused it; transports show it and carry on. */
export class CommandError extends Error {
  constructor(message: string, readonly code = "bad_request") {
    super(message);
  }
}

/** The user, room or ban the command names does not exist (the admin API answers 404). */
export class NotFoundError extends CommandError {}

/** Bad arguments: the message is the command's usage line. */
export class UsageError extends CommandError {
  constructor(usage: string) {
    super(`Usage: ${usage}`, "usage");
  }
}

/** Raised into a pending prompt when its session goes away, ending whatever was waiting on it. */
export class SessionClosedError extends Error {
  constructor() {
    super("Session closed");
  }
}
