/**
 * Text the server sends a person, rendered in their language when it is sent.
 * An ApiError or a refusal carries a `Text`; the error handler renders it for
 * the request's locale. The type lives with the app (src/lib/text.ts) because
 * the board's rules, shared with the browser, produce refusal reasons too.
 */
export { atPath, renderText, t, type Text } from '../../src/lib/text.js';
