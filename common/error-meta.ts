/**
 * Keys of ErrorDetail.meta (proto/zaqar/v1/errors.proto) that the core sets
 * and the edges read: facts for phrasing an error, never secrets.
 */

/** Zaqar's WebSocket transport's own text for the error, where it differs from REST's description. */
export const WEBSOCKET_TEXT = "websocket_text";
