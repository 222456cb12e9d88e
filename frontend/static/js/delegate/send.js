// Sending a floor command until the server has answered it, and no further. A lost answer (no
// network) or a server that could not write (503) is sent again with the same command id, which
// the server applies once; a rate limit (429) is waited out once; every other refusal is the
// server's last word on that request in that state, shown, never sent again in a loop.
//
// The phone's floor commands go over the socket it already holds (`viaSocket`): no TCP or TLS
// handshake, no HTTP stack. The connection keeps a command it could not send and sends it again,
// with its id, when the socket is back; its refusals read as the REST ones would.

import { ApiError } from "../client.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP status a socket refusal stands for, so that it is handled as REST's would be. */
const SOCKET_STATUS = {
  rate_limited: 429,
  storage_unavailable: 503,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
};

/**
 * Send `command` on the connection's socket (to `segmentId`, with `commandId`): resolves with the
 * ack, rejects with an ApiError whose status is the one REST would have answered.
 */
export function viaSocket(connection, command, { segmentId, commandId }) {
  return connection.send(command, { segmentId, commandId }).catch((frame) => {
    if (frame instanceof Error) throw frame;
    const status = SOCKET_STATUS[frame.code] ?? (frame.code === "invalid_command" ? 422 : 409);
    throw new ApiError(status, frame.code, frame.message, frame);
  });
}

/** The loop was given up: the page moved on (another delegate, signed out) while it waited. */
export class Stopped extends Error {}

/** Whether the same command may be answered otherwise if sent again: no answer, 408 or 503. */
export const transient = (error) => error.status === 0 || error.status === 408 || error.status === 503;

/** How long the server asked us to wait (429's retry_after_s), in ms, else `fallback`. */
export function retryAfterMs(error, fallback) {
  const seconds = error?.body?.retry_after_s;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallback;
}

/**
 * `call()` until the server answers for good: resolves to its answer, rejects with the final
 * ApiError (or Stopped when `still()` turns false while waiting). `onRetry(error, ms)` is told
 * before each wait, to say what is going on.
 */
export async function sendUntilAnswered(call, { onRetry = () => {}, still = () => true } = {}) {
  let attempt = 0;
  let waitedOut = false;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      let delay;
      if (error.status === 429 && !waitedOut) {
        waitedOut = true;
        delay = retryAfterMs(error, 1000);
      } else if (transient(error)) {
        // exponential backoff with jitter, 0.5 s to 8 s, never sooner than the server asked
        const ceiling = Math.min(8000, 500 * 2 ** attempt++);
        delay = Math.max(retryAfterMs(error, 0), ceiling / 2 + (Math.random() * ceiling) / 2);
      } else {
        throw error;
      }
      onRetry(error, delay);
      await sleep(delay);
      if (!still()) throw new Stopped();
    }
  }
}
