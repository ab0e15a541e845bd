/**
 * A real pino logger whose JSON lines are kept in memory (shared with switchboard/testing).
 */
export { captureLog, type CapturedLog } from '../../src/app/log-capture.js';
