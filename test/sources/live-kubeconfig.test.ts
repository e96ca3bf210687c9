// The kubeconfig of a live read: --kubeconfig, $KUBECONFIG merged as kubectl merges it, ~/.kube/config,
// and the one-line errors for what cannot be used.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { mergeKubeconfigs, resolveKubeconfig } from '../../src/sources/live/kubeconfig.js';
import { InputError, SourceError } from '../../src/sources/types.js';

let tmp: string;
let seq = 0;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mld-kubeconfig-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh directory under the temp dir. */
function freshDir(): string {
  const d = join(tmp, `d${++seq}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Writes `text` to `name` in a fresh directory (or in `dir`) and returns its path. */
function write(name: string, text: string, dir = freshDir()): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface Spec {
  current?: string;
  clusters?: [name: string, server: string, extra?: string][];
  users?: [name: string, token: string][];
  contexts?: [name: string, cluster: string, user?: string][];
}

/** A kubeconfig document in YAML, written as people write it. */
function kubeconfig(s: Spec): string {
  const lines = ['apiVersion: v1', 'kind: Config'];
  if (s.current !== undefined) lines.push(`current-context: ${s.current}`);
  lines.push('clusters:');
  for (const [name, server, extra] of s.clusters ?? []) {
    lines.push(`- name: ${name}`, '  cluster:', `    server: ${server}`);
    if (extra) lines.push(`    ${extra}`);
  }
  lines.push('users:');
  for (const [name, token] of s.users ?? []) lines.push(`- name: ${name}`, '  user:', `    token: ${token}`);
  lines.push('contexts:');
  for (const [name, cluster, user] of s.contexts ?? []) {
    lines.push(`- name: ${name}`, '  context:', `    cluster: ${cluster}`);
    if (user) lines.push(`    user: ${user}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Options for a run that must not see the machine's own kubeconfig or service account. */
const isolated = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ HOME: freshDir(), ...env });

const TWO_CONTEXTS = kubeconfig({
  current: 'dev',
  clusters: [
    ['dev-cluster', 'https://dev.example:6443'],
    ['prod-cluster', 'https://prod.example:6443'],
  ],
  users: [
    ['dev-user', 'dev-token'],
    ['prod-user', 'prod-token'],
  ],
  contexts: [
    ['dev', 'dev-cluster', 'dev-user'],
    ['prod', 'prod-cluster', 'prod-user'],
  ],
});

/** The error `fn` throws, checked to be of class `cls`. */
function thrown<T extends Error>(fn: () => unknown, cls: new (...a: never[]) => T): T {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return e;
  }
  assert.fail(`expected ${cls.name}, nothing was thrown`);
}

describe('--kubeconfig FILE', () => {
  test('one file: its current-context, cluster, user and the file', () => {
    const file = write('config', TWO_CONTEXTS);
    const r = resolveKubeconfig({ kubeconfig: file, env: isolated({}) });
    assert.equal(r.context, 'dev');
    assert.equal(r.cluster.name, 'dev-cluster');
    assert.equal(r.cluster.server, 'https://dev.example:6443');
    assert.equal(r.user?.name, 'dev-user');
    assert.equal(r.user?.token, 'dev-token');
    assert.deepEqual(r.files, [file]);
  });

  test('--kubeconfig wins over KUBECONFIG and HOME', () => {
    const file = write('config', TWO_CONTEXTS);
    const other = write('other', kubeconfig({ current: 'x', clusters: [['xc', 'https://x.example']], contexts: [['x', 'xc']] }));
    const r = resolveKubeconfig({ kubeconfig: file, env: isolated({ KUBECONFIG: other }) });
    assert.deepEqual(r.files, [file]);
    assert.equal(r.context, 'dev');
  });

  test('the context option switches context, cluster and user', () => {
    const file = write('config', TWO_CONTEXTS);
    const r = resolveKubeconfig({ kubeconfig: file, context: 'prod', env: isolated({}) });
    assert.equal(r.context, 'prod');
    assert.equal(r.cluster.name, 'prod-cluster');
    assert.equal(r.cluster.server, 'https://prod.example:6443');
    assert.equal(r.user?.token, 'prod-token');
  });

  test('an unknown context is a SourceError listing the contexts there are', () => {
    const file = write('config', TWO_CONTEXTS);
    const e = thrown(() => resolveKubeconfig({ kubeconfig: file, context: 'staging', env: isolated({}) }), SourceError);
    assert.equal(e.name, 'SourceError');
    assert.match(e.message, /staging/);
    assert.match(e.message, /contexts: dev, prod/);
    assert.ok(e.message.includes(file), e.message);
  });

  test('a file without current-context and no context option: SourceError naming the contexts', () => {
    const file = write('config', kubeconfig({ clusters: [['c', 'https://c.example']], contexts: [['only', 'c']] }));
    const e = thrown(() => resolveKubeconfig({ kubeconfig: file, env: isolated({}) }), SourceError);
    assert.match(e.message, /no current-context/);
    assert.match(e.message, /only/);
    // and the context option makes it usable
    assert.equal(resolveKubeconfig({ kubeconfig: file, context: 'only', env: isolated({}) }).cluster.name, 'c');
  });
});

describe('KUBECONFIG with several files (kubectl merge)', () => {
  const first = () =>
    write(
      'first',
      kubeconfig({
        current: 'shared',
        clusters: [['shared-cluster', 'https://first.example:6443']],
        users: [['shared-user', 'first-token']],
        contexts: [['shared', 'shared-cluster', 'shared-user']],
      }),
    );
  const second = (current = 'only-second') =>
    write(
      'second',
      kubeconfig({
        current,
        clusters: [
          ['shared-cluster', 'https://second.example:6443'],
          ['second-cluster', 'https://only-second.example:6443'],
        ],
        users: [
          ['shared-user', 'second-token'],
          ['second-user', 'only-second-token'],
        ],
        contexts: [
          ['shared', 'second-cluster', 'second-user'],
          ['only-second', 'second-cluster', 'second-user'],
        ],
      }),
    );

  test('client-node alone refuses the duplicate names that kubectl merges', () => {
    // the reason mergeKubeconfigs exists; if this stops throwing, the test below still stands
    const a = new KubeConfig();
    a.loadFromFile(first());
    const b = new KubeConfig();
    b.loadFromFile(second());
    assert.throws(() => a.mergeConfig(b), /Duplicate cluster/);
  });

  test('the first file that sets current-context wins; the first definition of a name wins', () => {
    const f1 = first();
    const f2 = second();
    const r = resolveKubeconfig({ env: isolated({ KUBECONFIG: [f1, f2].join(delimiter) }) });
    assert.deepEqual(r.files, [f1, f2]);
    assert.equal(r.context, 'shared');
    assert.equal(r.cluster.name, 'shared-cluster');
    assert.equal(r.cluster.server, 'https://first.example:6443');
    assert.equal(r.user?.name, 'shared-user');
    assert.equal(r.user?.token, 'first-token');
    // each name once in the merged config
    assert.deepEqual(r.kc.getContexts().map((c) => c.name).sort(), ['only-second', 'shared']);
    assert.deepEqual(r.kc.getClusters().map((c) => c.name).sort(), ['second-cluster', 'shared-cluster']);
    assert.deepEqual(r.kc.getUsers().map((u) => u.name).sort(), ['second-user', 'shared-user']);
  });

  test('the order of KUBECONFIG decides: second file first, its definitions win', () => {
    const f1 = first();
    const f2 = second();
    const r = resolveKubeconfig({ env: isolated({ KUBECONFIG: [f2, f1].join(delimiter) }) });
    assert.equal(r.context, 'only-second');
    assert.equal(r.cluster.server, 'https://only-second.example:6443');
    const shared = resolveKubeconfig({ context: 'shared', env: isolated({ KUBECONFIG: [f2, f1].join(delimiter) }) });
    assert.equal(shared.cluster.name, 'second-cluster');
    assert.equal(shared.user?.token, 'only-second-token');
  });

  test('a file that sets no current-context does not win it', () => {
    const none = write('none', kubeconfig({ clusters: [['n', 'https://n.example']], contexts: [['n', 'n']] }));
    const f2 = second();
    const r = resolveKubeconfig({ env: isolated({ KUBECONFIG: [none, f2].join(delimiter) }) });
    assert.equal(r.context, 'only-second');
  });

  test('names defined only in the second file are available', () => {
    const r = resolveKubeconfig({ context: 'only-second', env: isolated({ KUBECONFIG: [first(), second()].join(delimiter) }) });
    assert.equal(r.context, 'only-second');
    assert.equal(r.cluster.name, 'second-cluster');
    assert.equal(r.cluster.server, 'https://only-second.example:6443');
    assert.equal(r.user?.name, 'second-user');
    assert.equal(r.user?.token, 'only-second-token');
  });

  test('a file of KUBECONFIG that does not exist is skipped', () => {
    const f1 = first();
    const missing = join(freshDir(), 'nope');
    const f2 = second();
    const r = resolveKubeconfig({ env: isolated({ KUBECONFIG: ['', missing, f1, '', f2].join(delimiter) }) });
    assert.deepEqual(r.files, [f1, f2]);
    assert.equal(r.context, 'shared');
    assert.equal(r.cluster.server, 'https://first.example:6443');
  });

  test('mergeKubeconfigs directly: first current-context and first definitions win', () => {
    const a = new KubeConfig();
    a.loadFromOptions({ clusters: [{ name: 'c', server: 'https://a', skipTLSVerify: false }], users: [], contexts: [{ name: 'x', cluster: 'c', user: '' }], currentContext: '' });
    const b = new KubeConfig();
    b.loadFromOptions({ clusters: [{ name: 'c', server: 'https://b', skipTLSVerify: false }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'other', user: 'u' }], currentContext: 'x' });
    const c = new KubeConfig();
    c.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: 'later' });
    const m = mergeKubeconfigs([a, b, c]);
    assert.equal(m.getCurrentContext(), 'x');
    assert.equal(m.getCluster('c')?.server, 'https://a');
    assert.equal(m.getContextObject('x')?.cluster, 'c');
    assert.equal(m.getUser('u')?.name, 'u');
    assert.equal(m.getClusters().length, 1);
  });

  test('KUBECONFIG where no file exists: SourceError mentioning KUBECONFIG', () => {
    const d = freshDir();
    const value = [join(d, 'a'), join(d, 'b')].join(delimiter);
    const e = thrown(() => resolveKubeconfig({ env: isolated({ KUBECONFIG: value }) }), SourceError);
    assert.match(e.message, /KUBECONFIG/);
    assert.ok(e.message.includes(value), e.message);
  });
});

describe('no kubeconfig anywhere', () => {
  test('no KUBECONFIG, an empty HOME, not in a pod: "no cluster to read"', () => {
    const e = thrown(() => resolveKubeconfig({ env: { HOME: freshDir() } }), SourceError);
    assert.match(e.message, /^no cluster to read/);
  });

  test('HOME with .kube/config is used when there is no KUBECONFIG', () => {
    const home = freshDir();
    mkdirSync(join(home, '.kube'));
    const file = write('config', TWO_CONTEXTS, join(home, '.kube'));
    const r = resolveKubeconfig({ env: { HOME: home } });
    assert.deepEqual(r.files, [file]);
    assert.equal(r.context, 'dev');
  });
});

describe('files that are not usable kubeconfigs', () => {
  test('not YAML: InputError whose file is the path and one line starts with it', () => {
    const file = write('broken', 'clusters: [\n  - name: x\n  bad');
    const e = thrown(() => resolveKubeconfig({ kubeconfig: file, env: isolated({}) }), InputError);
    assert.equal(e.file, file);
    assert.ok(e.oneLine.startsWith(file), e.oneLine);
    assert.match(e.message, /not a valid kubeconfig/);
    assert.ok(!e.oneLine.includes('\n'), e.oneLine);
  });

  test('not YAML in KUBECONFIG: the same InputError, naming the broken file', () => {
    const good = write('good', TWO_CONTEXTS);
    const bad = write('broken', 'clusters: [\n  - name: x\n  bad');
    const e = thrown(() => resolveKubeconfig({ env: isolated({ KUBECONFIG: [good, bad].join(delimiter) }) }), InputError);
    assert.equal(e.file, bad);
  });

  test('a missing --kubeconfig file: InputError "no such kubeconfig file"', () => {
    const file = join(freshDir(), 'missing');
    const e = thrown(() => resolveKubeconfig({ kubeconfig: file, env: isolated({}) }), InputError);
    assert.equal(e.file, file);
    assert.equal(e.message, 'no such kubeconfig file');
    assert.equal(e.oneLine, `${file}: no such kubeconfig file`);
  });

  test('a context naming an undefined cluster: SourceError naming it', () => {
    const file = write('config', kubeconfig({ current: 'c', clusters: [['real', 'https://r.example']], users: [['u', 't']], contexts: [['c', 'ghost-cluster', 'u']] }));
    const e = thrown(() => resolveKubeconfig({ kubeconfig: file, env: isolated({}) }), SourceError);
    assert.match(e.message, /ghost-cluster/);
    assert.match(e.message, /not defined/);
  });

  test('a context naming an undefined user: SourceError naming it', () => {
    const file = write('config', kubeconfig({ current: 'c', clusters: [['real', 'https://r.example']], users: [['u', 't']], contexts: [['c', 'real', 'ghost-user']] }));
    const e = thrown(() => resolveKubeconfig({ kubeconfig: file, env: isolated({}) }), SourceError);
    assert.match(e.message, /ghost-user/);
    assert.match(e.message, /not defined/);
  });

  test('a server that is not an http(s) URL: SourceError naming the cluster and the server (was an internal error, "Invalid URL")', () => {
    for (const [server, hint] of [['"not a url"', /"not a url", not an http\(s\) URL$/], ['ftp://h.example', /"ftp:\/\/h.example", not an http\(s\) URL$/], ['10.0.0.1:6443', /\(write https:\/\/10.0.0.1:6443\)$/]] as const) {
      const file = write('config', kubeconfig({ current: 'c', clusters: [['real', server]], users: [['u', 't']], contexts: [['c', 'real', 'u']] }));
      const e = thrown(() => resolveKubeconfig({ kubeconfig: file, env: isolated({}) }), SourceError);
      assert.ok(e.message.startsWith(`${file}: cluster "real" has server `), e.message);
      assert.match(e.message, hint);
    }
  });

  test('a directory given as --kubeconfig: InputError in words, not EISDIR', () => {
    const d = freshDir();
    const e = thrown(() => resolveKubeconfig({ kubeconfig: d, env: isolated({}) }), InputError);
    assert.equal(e.oneLine, `${d}: a directory, not a kubeconfig file`);
  });

  test('a context without a user is fine: no user', () => {
    const file = write('config', kubeconfig({ current: 'c', clusters: [['real', 'https://r.example']], contexts: [['c', 'real']] }));
    const r = resolveKubeconfig({ kubeconfig: file, env: isolated({}) });
    assert.equal(r.cluster.name, 'real');
    assert.equal(r.user, undefined);
  });
});

describe('certificate paths', () => {
  test('relative certificate-authority is made absolute against the kubeconfig directory', () => {
    const dir = freshDir();
    const file = write('config', kubeconfig({ current: 'c', clusters: [['k', 'https://k.example', 'certificate-authority: ca.pem']], contexts: [['c', 'k']] }), dir);
    const r = resolveKubeconfig({ kubeconfig: file, env: isolated({}) });
    assert.ok(r.cluster.caFile && isAbsolute(r.cluster.caFile), String(r.cluster.caFile));
    assert.equal(r.cluster.caFile, join(dir, 'ca.pem'));
  });

  test('each file of KUBECONFIG resolves against its own directory', () => {
    const d1 = freshDir();
    const d2 = freshDir();
    const f1 = write('a', kubeconfig({ current: 'one', clusters: [['one', 'https://1.example', 'certificate-authority: certs/ca1.pem']], contexts: [['one', 'one']] }), d1);
    const f2 = write('b', kubeconfig({ clusters: [['two', 'https://2.example', 'certificate-authority: ca2.pem']], contexts: [['two', 'two']] }), d2);
    const env = isolated({ KUBECONFIG: [f1, f2].join(delimiter) });
    assert.equal(resolveKubeconfig({ env }).cluster.caFile, join(d1, 'certs', 'ca1.pem'));
    assert.equal(resolveKubeconfig({ env, context: 'two' }).cluster.caFile, join(d2, 'ca2.pem'));
  });

  test('an absolute certificate-authority stays as written', () => {
    const abs = join(freshDir(), 'abs-ca.pem');
    const file = write('config', kubeconfig({ current: 'c', clusters: [['k', 'https://k.example', `certificate-authority: ${abs}`]], contexts: [['c', 'k']] }));
    assert.equal(resolveKubeconfig({ kubeconfig: file, env: isolated({}) }).cluster.caFile, abs);
  });
});

describe('empty kubeconfig files', () => {
  test('an empty file (or only comments) in KUBECONFIG is an empty configuration, as kubectl reads it', () => {
    const dir = freshDir();
    const empty = write('empty', '# nothing yet\n\n', dir);
    const good = write('good', kubeconfig({ current: 'a', clusters: [['c', 'https://10.0.0.1:6443']], users: [['u', 'tok']], contexts: [['a', 'c', 'u']] }), dir);
    const r = resolveKubeconfig({ env: isolated({ KUBECONFIG: [empty, good].join(delimiter) }) });
    assert.equal(r.context, 'a');
    assert.equal(r.cluster.server, 'https://10.0.0.1:6443');
    assert.deepEqual(r.files, [empty, good]);
  });
  test('an empty --kubeconfig: no current-context, said in one line', () => {
    const file = write('empty', '');
    assert.throws(() => resolveKubeconfig({ kubeconfig: file, env: isolated({}) }), (e: unknown) => e instanceof SourceError && /no current-context/.test(e.message));
  });
});
