/**
 * Throwaway TLS certificates for tests, made with the openssl command line: a self-signed server
 * certificate for 127.0.0.1 and a client certificate (CertFP, SASL EXTERNAL).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** PEM files written to `dir`. */
export interface TestCertificates {
  readonly cert: string;
  readonly key: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** A self-signed certificate for 127.0.0.1 (CN `serverName`) and a client certificate, as PEM files in `dir`. */
export function makeCertificates(dir: string, serverName = 'irc.inspircd.test'): TestCertificates {
  const files = { cert: join(dir, 'server.pem'), key: join(dir, 'server.key'), clientCert: join(dir, 'client.pem'), clientKey: join(dir, 'client.key') };
  const selfSigned = (cert: string, key: string, subject: string, extra: string[]): void => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', subject, '-keyout', key, '-out', cert, ...extra], { stdio: 'ignore', timeout: 30_000 });
  };
  selfSigned(files.cert, files.key, `/CN=${serverName}`, ['-addext', 'subjectAltName=IP:127.0.0.1']);
  selfSigned(files.clientCert, files.clientKey, '/CN=relaybot', []);
  return files;
}

/** The SHA-256 fingerprint of a PEM certificate as lowercase hex, the way InspIRCd shows it. */
export function sha256Fingerprint(pemFile: string): string {
  const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', pemFile], { encoding: 'utf8', timeout: 10_000 });
  return (out.split('=')[1] ?? '').trim().replaceAll(':', '').toLowerCase();
}

/** InspIRCd config lines for a TLS client port on `port` with `certs` (ssl_gnutls, sslinfo for CertFP). */
export function inspircdTlsConfig(certs: TestCertificates, host: string, port: number): string {
  return `
<module name="ssl_gnutls">
<module name="sslinfo">
<sslprofile name="Clients" provider="gnutls" certfile="${certs.cert}" keyfile="${certs.key}" dhfile="" hash="sha256" requestclientcert="yes">
<bind address="${host}" port="${port}" type="clients" sslprofile="Clients">
`;
}
