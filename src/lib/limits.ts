/** @module Size limits shared by the codecs. Internal. */

/**
 * Tokens longer than this are turned down before any parsing: ten 4 KiB cookies, the most that
 * cookie chunking carries, and far more than any header transport is given.
 */
export const MAX_TOKEN_LENGTH = 40_960
