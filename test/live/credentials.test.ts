// Credentials refused or not to be had, in the middle of a run: the real command line in a child
// process (an unhandled rejection would end it with a stack trace and exit 1 there), against API
// servers on 127.0.0.1 that this file starts and stops. cli.md: exit 3, one line, no stack trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROXIED_HOST, runChild, startApi, startConnectProxy, VERSION_BODY, withTlsApi, writeKubeconfig } from './servers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlbd-credentials-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** stderr is one line, no stack trace, no word of an unhandled rejection */
function oneLine(stderr: string): void {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at |Unhandled|internal error/, stderr);
}

describe('token files, as kubectl reads them', () => {
  test('tokenFile (and token-file) relative to the kubeconfig\'s directory, read for the user in use only', async () => {
    await withTlsApi(dir, async (api, tlsCluster) => {
      const home = join(dir, 'tokens');
      mkdirSync(join(home, 'creds'), { recursive: true });
      writeFileSync(join(home, 'creds', 'tok'), 'file-token-1\n');
            // a second file of KUBECONFIG defines a user nobody uses, whose token file does not exist
      const unused = join(home, 'unused');
      writeFileSync(unused, JSON.stringify({ apiVersion: 'v1', kind: 'Config', users: [{ name: 'idle', user: { tokenFile: 'missing-token', 'token-file': 'missing-too' } }] }));
      for (const [key, n] of [['tokenFile', 1], ['token-file', 2]] as const) {
        const kc = writeKubeconfig(join(home, `kc-${n}`), tlsCluster, { [key]: 'creds/tok' });
        const before = api.requests.length;
        // the working directory is elsewhere: the path is the kubeconfig's, as kubectl takes it
        const r = await runChild(['snapshot', join(dir, `snap-token-${n}`)], { env: { HOME: dir, KUBECONFIG: `${kc}:${unused}` }, cwd: dir });
        assert.equal(r.code, 0, r.stderr);
        const seen = api.requests.slice(before);
        assert.ok(seen.length > 10, `${seen.length} requests`);
        assert.deepEqual([...new Set(seen.map((q) => q.headers.authorization))], ['Bearer file-token-1'], key);
      }
    });
  });

  test('the token file of the user in use cannot be read: exit 3, one line naming the user and the file', async () => {
    const kc = writeKubeconfig(join(dir, 'kc-no-token'), { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true }, { tokenFile: 'nope/tok' });
    const r = await runChild(['diag', '--kubeconfig', kc], { env: { HOME: dir } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^metallb-doctor: the credentials of user "u" \\(context "test"\\) cannot be used: .*no such file.*${join(dir, 'nope', 'tok').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    oneLine(r.stderr);
  });
});

describe('plain http', () => {
  test('no credentials to a server without TLS, as kubectl: no token, no basic auth, no exec plugin run; with TLS, the token', async () => {
    const ran = join(dir, 'http-plugin-ran');
    const plugin = join(dir, 'http-plugin.sh');
    writeFileSync(plugin, `#!/bin/sh\ntouch '${ran}'\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"from-plugin"}}'\n`);
    chmodSync(plugin, 0o755);
    const users: Record<string, unknown>[] = [
      { token: 'plain-token' },
      { username: 'admin', password: 'plain-password' },
      { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, interactiveMode: 'Never' } },
    ];
    const api = await startApi();
    try {
      for (const [i, user] of users.entries()) {
        const kc = writeKubeconfig(join(dir, `kc-http-${i}`), { server: api.url }, user);
        const r = await runChild(['snapshot', join(dir, `snap-http-${i}`), '--kubeconfig', kc], { env: { HOME: dir } });
        assert.equal(r.code, 0, r.stderr);
      }
      assert.ok(api.requests.length > 30);
      assert.deepEqual(api.requests.filter((q) => q.headers.authorization !== undefined), []);
      assert.equal(existsSync(ran), false, 'the exec plugin was not run');
    } finally {
      await api.close();
    }
    await withTlsApi(dir, async (tlsApi, tlsCluster) => {
      const kc = writeKubeconfig(join(dir, 'kc-https-token'), tlsCluster, users[0]);
      assert.equal((await runChild(['snapshot', join(dir, 'snap-https'), '--kubeconfig', kc], { env: { HOME: dir } })).code, 0);
      assert.deepEqual([...new Set(tlsApi.requests.map((q) => q.headers.authorization))], ['Bearer plain-token']);
    });
  });
});

describe('TLS', () => {
  test('a server certificate not trusted: asked once, not again; exit 3, one line saying why', async () => {
    await withTlsApi(dir, async (api, tlsCluster) => {
      // no certificate-authority: the self-signed certificate is not trusted, as kubectl would not trust it
      const kc = writeKubeconfig(join(dir, 'kc-untrusted'), { server: tlsCluster.server }, { token: 't' });
      const r = await runChild(['diag', '--kubeconfig', kc], { env: { HOME: dir } });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stderr, `metallb-doctor: cannot reach the API server ${api.url} (context "test"): TLS certificate not accepted (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate)\n`);
      assert.equal(api.connections(), 1);
      assert.equal(api.requests.length, 0);
    });
  });
});

describe('exec plugins', () => {
  test('a relative command with a path separator is the kubeconfig\'s (./plugin.sh), whatever the working directory', async () => {
    await withTlsApi(dir, async (api, tlsCluster) => {
      const home = join(dir, 'plugin-home');
      mkdirSync(join(home, 'bin'), { recursive: true });
      writeFileSync(join(home, 'bin', 'plugin.sh'), `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"from-plugin"}}'\n`);
      chmodSync(join(home, 'bin', 'plugin.sh'), 0o755);
      const kc = writeKubeconfig(join(home, 'config'), tlsCluster, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: './bin/plugin.sh', interactiveMode: 'Never' } });
      const r = await runChild(['snapshot', join(dir, 'snap-plugin'), '--kubeconfig', kc], { env: { HOME: dir }, cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(api.requests.length > 10);
      assert.deepEqual([...new Set(api.requests.map((q) => q.headers.authorization))], ['Bearer from-plugin']);
    });
  });
});

describe('--request-timeout bounds the credentials too', () => {
  test('an exec plugin slower than the request timeout: exit 3 in time, one line naming the plugin, the plugin ended', async () => {
    await withTlsApi(dir, async (api, tlsCluster) => {
      const plugin = join(dir, 'slow-plugin.sh');
      const pidFile = join(dir, 'slow-plugin.pid');
      writeFileSync(plugin, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 20\n`);
      chmodSync(plugin, 0o755);
      const kc = writeKubeconfig(join(dir, 'kc-slow'), tlsCluster, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, interactiveMode: 'Never' } });
      const r = await runChild(['diag', '--kubeconfig', kc, '--request-timeout', '2s'], { env: { HOME: dir } });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stderr, `metallb-doctor: the credential plugin "${plugin}" of user "u" (context "test") failed: no credentials within 2s (the request timeout)\n`);
      // 2 s, and the start of a child process (tsx compiles on the fly)
      assert.ok(r.elapsed < 8000, `took ${r.elapsed} ms`);
      assert.equal(api.requests.length, 0);
      // the plugin does not outlive the run
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.throws(() => process.kill(pid, 0), /ESRCH/);
    });
  });
});

describe('credentials refused or failing mid-run', () => {
  test('401 on every list after /version answered: exit 3, one line, after every read settled', async () => {
    // each list refused after its own short while, so that many reads are in flight when the first is refused
    const api = await startApi((req, res) => {
      if (req.url?.startsWith('/version')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(VERSION_BODY);
      setTimeout(() => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized' })), 5 + Math.random() * 60);
    });
    try {
      const kc = writeKubeconfig(join(dir, 'kc-401'), { server: api.url }, { token: 'expired' });
      for (const cmd of [['diag'], ['snapshot', join(dir, 'snap-401')]]) {
        const r = await runChild([...cmd, '--kubeconfig', kc], { env: { HOME: dir } });
        assert.equal(r.code, 3, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^metallb-doctor: the API server refused the credentials of context "test" \(401 Unauthorized\): (list|get) /);
        oneLine(r.stderr);
      }
    } finally {
      await api.close();
    }
  });

  test('an exec plugin that fails after its first token: exit 3, one line naming the plugin and its message', async () => {
    await withTlsApi(dir, async (api, tlsCluster) => {
      const count = join(dir, 'plugin-runs');
      const plugin = join(dir, 'flaky-plugin.sh');
      // the first run gives a token that expired at once (client-node runs the plugin again); the next fails
      writeFileSync(
        plugin,
        `#!/bin/sh\nif [ -e '${count}' ]; then echo 'token refresh failed: the refresh token was revoked' >&2; exit 1; fi\ntouch '${count}'\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t1","expirationTimestamp":"2000-01-01T00:00:00Z"}}'\n`,
      );
      chmodSync(plugin, 0o755);
      const kc = writeKubeconfig(join(dir, 'kc-exec'), tlsCluster, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, interactiveMode: 'Never' } });
      const r = await runChild(['diag', '--kubeconfig', kc], { env: { HOME: dir } });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stderr, `metallb-doctor: the credential plugin "${plugin}" of user "u" (context "test") failed: token refresh failed: the refresh token was revoked\n`);
      oneLine(r.stderr);
    });
  });
});

describe('proxy-url', () => {
  test('every request goes through the cluster\'s proxy-url (CONNECT), with the credentials and TLS checks of a direct one', async () => {
    const proxy = await startConnectProxy();
    try {
      await withTlsApi(dir, async (api, tlsCluster) => {
        // a server name that only the proxy can reach
        const server = `https://${PROXIED_HOST}:${api.port}`;
        const kc = writeKubeconfig(join(dir, 'kc-proxy'), { ...tlsCluster, server, 'proxy-url': proxy.url }, { token: 'via-proxy' });
        const r = await runChild(['snapshot', join(dir, 'snap-proxy'), '--kubeconfig', kc], { env: { HOME: dir } });
        assert.equal(r.code, 0, r.stderr);
        assert.ok(api.requests.length > 10, `${api.requests.length} requests`);
        assert.deepEqual([...new Set(api.requests.map((q) => q.headers.authorization))], ['Bearer via-proxy']);
        assert.ok(proxy.connects.length >= 1);
        assert.deepEqual([...new Set(proxy.connects)], [`${PROXIED_HOST}:${api.port}`]);
      });
    } finally {
      await proxy.close();
    }
  });
});
