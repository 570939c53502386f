// When a failed read is tried again. Plain JavaScript so that Node's test runner checks it
// without a build step.

export const MAX_RETRIES = 2;

/**
 * Whether to try a failed read again: a network failure or a 5xx may pass on a second try; a 4xx
 * (bad query, signed out, forbidden, not found) will be refused again, so it is shown at once.
 * @param {number} failures how many times the read has failed so far
 * @param {number | undefined} status the HTTP status of the error answer; undefined when none came
 */
export function shouldRetry(failures, status) {
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failures < MAX_RETRIES;
}
