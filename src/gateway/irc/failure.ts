/**
 * Why a connection to the IRC server failed, in words the person (and the operator they will
 * ask) understand, pure: refused or unknown address, a TLS certificate the gateway does not
 * trust, a port that does not speak TLS. The system's code stays in parentheses for the operator.
 */
import { LegacyRefusal } from '../api.js';

/** Node's codes for a certificate that does not verify. */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'INVALID_CA',
]);

/** Codes of a TLS handshake with something that is not TLS (a plain-text port). */
const NOT_TLS = /^(ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|ERR_SSL_UNKNOWN_PROTOCOL|ERR_SSL_RECORD_LAYER_FAILURE|ERR_SSL_HTTP_REQUEST|EPROTO)$/;

/** Codes of a name that does not resolve. */
const NO_NAME = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/** The refusal for a connection to `host:port` that closed with `code` before registration (`tls`: it was a TLS connection). */
export function connectionFailure(code: string, host: string, port: number, tls: boolean): LegacyRefusal {
  const where = `${host}:${port}`;
  const shown = code.replace(/\p{Cc}/gu, ' ').slice(0, 100);
  if (tls && UNTRUSTED.has(code)) {
    return new LegacyRefusal(`the IRC server ${where} showed a TLS certificate the gateway does not trust (${shown}); the gateway's operator must trust its certificate authority (tlsCa) or the server must use a valid certificate`, 'service-unavailable');
  }
  if (tls && NOT_TLS.test(code)) {
    return new LegacyRefusal(`the IRC server ${where} does not speak TLS on that port (${shown}); it may be a plain-text port: the gateway's operator must set the TLS port or tls: false`, 'service-unavailable');
  }
  if (NO_NAME.has(code)) return new LegacyRefusal(`the IRC server's name ${host} cannot be found (${shown})`, 'remote-server-not-found');
  return new LegacyRefusal(`cannot reach the IRC server ${where} (${shown})`, 'remote-server-not-found');
}

/** The refusal for a login `host:port` did not finish within `ms` (`tls`: over TLS, where a plain-text port just waits). */
export function loginTimeout(host: string, port: number, ms: number, tls: boolean, handshook: boolean): LegacyRefusal {
  const hint = tls && !handshook ? `: no TLS handshake; ${port} may be a plain-text port (the gateway's tls option)` : '';
  return new LegacyRefusal(`${host} did not let you in within ${ms} ms${hint}`, 'remote-server-timeout');
}
