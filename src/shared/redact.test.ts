import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor, redact } from './redact.ts';

test('removes the documented example token and URL credentials', () => {
  const out = redact('curl -H "Authorization: Bearer s3cr3t-T0KEN" https://user:pw@host/x');
  assert.equal(out, 'curl -H "Authorization: ***" https://***@host/x');
  assert.ok(!out.includes('s3cr3t'));
  assert.ok(!out.includes(':pw'));
});

// [input, expected]: the secret is masked and the name it was given is kept.
const REDACTED: Array<[string, string]> = [
  // The first forms covered.
  ['mysql --password=hunter2 db', 'mysql --password=*** db'],
  ['deploy --token abc123 --env prod', 'deploy --token *** --env prod'],
  ['curl https://api.example.com/x?api_key=K1&page=2', 'curl https://api.example.com/x?api_key=***&page=2'],
  ['env GITHUB_TOKEN=abc make', 'env GITHUB_TOKEN=*** make'],
  ["curl -H 'X-Api-Key: abc' https://h", "curl -H 'X-Api-Key: ***' https://h"],
  ['git clone https://tok@github.com/o/r', 'git clone https://***@github.com/o/r'],
  ['psql postgres://app:pa55@db:5432/x', 'psql postgres://***@db:5432/x'],
  // curl user:password keeps the user.
  ['curl -u alice:wonder https://h', 'curl -u alice:*** https://h'],
  ['curl --user=alice:wonder https://h', 'curl --user=alice:*** https://h'],
  ['curl -ualice:wonder https://h', 'curl -ualice:*** https://h'],
  ['curl -U proxyuser:proxypw -x p https://h', 'curl -U proxyuser:*** -x p https://h'],
  // mysql family: -pSECRET and -p SECRET (tool-scoped).
  ['mysql -u root -pSECRET db', 'mysql -u root -p*** db'],
  ['mysql -u root -p SECRET', 'mysql -u root -p ***'],
  ["mysql -h db -p'my secret' app", 'mysql -h db -p*** app'],
  ['mysql -p"s3 cr3t" app', 'mysql -p*** app'],
  ['mariadb -h h -pS3cr3t', 'mariadb -h h -p***'],
  ['mysqldump -pSECRET app > dump.sql', 'mysqldump -p*** app > dump.sql'],
  ['/usr/bin/mysqladmin -pSECRET status', '/usr/bin/mysqladmin -p*** status'],
  ['sudo -u backup mysqldump -uroot -pSECRET app', 'sudo -u backup mysqldump -uroot -p*** app'],
  ['docker exec -i db mysql -uroot -pSECRET app', 'docker exec -i db mysql -uroot -p*** app'],
  ['sh -c "mysql -pSECRET db; ssh -p 2222 h"', 'sh -c "mysql -p*** db; ssh -p 2222 h"'],
  ['mysql --password SECRET db', 'mysql --password *** db'],
  // sshpass: its own -p only, not the wrapped command's.
  ['sshpass -p hunter2 ssh -p 2222 host', 'sshpass -p *** ssh -p 2222 host'],
  ['sshpass -phunter2 scp f host:', 'sshpass -p*** scp f host:'],
  ['sshpass -P assword -p hunter2 ssh host', 'sshpass -P assword -p *** ssh host'],
  // docker login and friends.
  ['docker login -u me -p hunter2 registry.io', 'docker login -u me -p *** registry.io'],
  ['podman login -phunter2 quay.io', 'podman login -p*** quay.io'],
  ['helm registry login r.io -u me -p hunter2', 'helm registry login r.io -u me -p ***'],
  ['docker login --password hunter2 r.io', 'docker login --password *** r.io'],
  ['docker login --password=hunter2 r.io', 'docker login --password=*** r.io'],
  // curl bearer, redis-cli, passphrases.
  ['curl --oauth2-bearer tok123 https://h', 'curl --oauth2-bearer *** https://h'],
  ['curl --oauth2-bearer=tok123 https://h', 'curl --oauth2-bearer=*** https://h'],
  ['redis-cli -a hunter2 ping', 'redis-cli -a *** ping'],
  ['redis-cli -h r --pass hunter2 ping', 'redis-cli -h r --pass *** ping'],
  ['valkey-cli -a "hunter 2" ping', 'valkey-cli -a *** ping'],
  ['gpg --batch --passphrase hunter2 -d f.gpg', 'gpg --batch --passphrase *** -d f.gpg'],
  ['gpg --passphrase=hunter2 -d f.gpg', 'gpg --passphrase=*** -d f.gpg'],
  ["restic --password 'two words' backup", 'restic --password *** backup'],
  ['openssl enc -d -pass pass:hunter2 -in f', 'openssl enc -d -pass *** -in f'],
  // URL query keys.
  ['curl "https://h/x?key=K1&a=1"', 'curl "https://h/x?key=***&a=1"'],
  ['curl https://h/x?apikey=K2', 'curl https://h/x?apikey=***'],
  ['curl https://h/x?a=1&access_token=T3#frag', 'curl https://h/x?a=1&access_token=***'], // a "#" may be part of a password
  ['curl https://h/x?token=T4', 'curl https://h/x?token=***'],
  ['curl https://h/x?secret=S5', 'curl https://h/x?secret=***'],
  ['curl https://h/x?user=a&password=P6', 'curl https://h/x?user=a&password=***'],
  [
    'curl "https://acct.blob.core.windows.net/c/b?sv=2021&sig=S7%3D"',
    'curl "https://acct.blob.core.windows.net/c/b?sv=2021&sig=***"',
  ],
  ['curl https://h/x?Expires=1&Signature=S8&Key-Pair-Id=K', 'curl https://h/x?Expires=1&Signature=***&Key-Pair-Id=K'],
  [
    'curl "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-Security-Token=FwoG1&X-Amz-Signature=0123abcd"',
    'curl "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-Security-Token=***&X-Amz-Signature=***"',
  ],
  [
    'curl https://storage.googleapis.com/b/o?X-Goog-Signature=abc',
    'curl https://storage.googleapis.com/b/o?X-Goog-Signature=***',
  ],
  // JSON bodies, also with shell-escaped quotes.
  [`curl -d '{"password":"hunter2","user":"a"}' https://h`, `curl -d '{"password":"***","user":"a"}' https://h`],
  [`curl -d '{"user": "a", "secret" : "s"}' https://h`, `curl -d '{"user": "a", "secret" : "***"}' https://h`],
  [`curl -d '{"token":"t","api_key":"k"}' https://h`, `curl -d '{"token":"***","api_key":"***"}' https://h`],
  [`curl -d '{"pin":1,"access_token":12345}' https://h`, `curl -d '{"pin":1,"access_token":***}' https://h`],
  ['curl -d "{\\"password\\":\\"hunter2\\"}" https://h', 'curl -d "{\\"password\\":\\"***\\"}" https://h'],
  // Webhooks whose path is the secret.
  [
    'curl -X POST https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXX',
    'curl -X POST https://hooks.slack.com/services/***',
  ],
  ['curl https://hooks.slack.com/workflows/T1/A2/3/abc -d x', 'curl https://hooks.slack.com/workflows/*** -d x'],
  ['curl https://discord.com/api/webhooks/123456/tOkEn-xyz', 'curl https://discord.com/api/webhooks/123456/***'],
  // Token shapes anywhere; the prefix says what it was.
  ['echo ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'echo ghp_***'],
  ['git clone https://x/gho_abcdefghijklmnopqrstuvwxyz0123456789/r', 'git clone https://x/gho_***/r'],
  [
    'use ghu_abcdefghijklmnopqrstuvwx ghs_abcdefghijklmnopqrstuvwx ghr_abcdefghijklmnopqrstuvwx',
    'use ghu_*** ghs_*** ghr_***',
  ],
  ['echo github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'echo github_pat_***'],
  ['notify xoxb-1234-5678-abcdefghij', 'notify xoxb-***'],
  ['notify xoxp-1234-5678-abcdefghij xoxa-2-abcdefghijkl', 'notify xoxp-*** xoxa-***'],
  ['notify xapp-1-A0-12345-abcdef', 'notify xapp-***'],
  ['export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'export AWS_ACCESS_KEY_ID=AKIA***'],
  ['aws s3 ls # ASIAIOSFODNN7EXAMPLE', 'aws s3 ls # ASIA***'],
  [
    'aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'aws configure set aws_secret_access_key ***',
  ],
  ['env aws_secret_access_key=wJalrXUtnFEMI/K7MDENG make', 'env aws_secret_access_key=*** make'],
  ['printf "aws_session_token = FwoGZXIvYXdz"', 'printf "aws_session_token = ***"'],
  [
    'curl -H "X-Jwt: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" https://h',
    'curl -H "X-Jwt: ***" https://h',
  ],
  ['check eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0. done', 'check *** done'],
];

test('redacts every tool, key and token shape listed in docs/security.md, keeping the key', () => {
  for (const [input, want] of REDACTED) assert.equal(redact(input), want, input);
});

// Ordinary flags and words that look like the rules above but hold no credential.
const UNCHANGED = [
  'ssh -p 2222 host',
  'scp -P 2222 f host:',
  'docker run -p 8080:80 nginx',
  'docker run --name mysql -p 3306:3306 mysql:8',
  'docker run -v /var/lib/mysql:/var/lib/mysql -p 3306:3306 img',
  'docker run -u 1000:1000 img',
  'tar -C dir -xf a.tar',
  'psql -p 5432 -U app db',
  'mysql -P 3306 -h db -u root app',
  'mysql -u root -p -h db app',
  'curl -o file https://example.com/x',
  'grep -p x file',
  'grep "password=" config.ini',
  'grep -r token src/',
  'git commit -m "fix key handling"',
  'git commit -m "tests pass: all green"',
  'sort --key=2 -t, f.csv',
  'sudo -u postgres psql',
  'cp -p a b',
  'mkdir -p /var/lib/mysql/data',
  'echo x | docker login --password-stdin -u me registry.io',
  'redis-cli --askpass ping',
  'curl https://example.com/search?q=monkey&page=2',
  'curl -fsS https://example.com/health',
  'make test',
  'ls -la /tmp',
  'echo a=b',
  'npm run build -- --watch',
  'kubectl get secret my-secret -o yaml',
  'eyJust a word',
  'AKIA is a prefix',
];

test('leaves ordinary commands and flags readable', () => {
  for (const cmd of UNCHANGED) assert.equal(redact(cmd), cmd);
});

test('a redactor with extra functions runs them after the built-in rules', () => {
  assert.equal(createRedactor([]), redact);
  const r = createRedactor([(t) => t.replaceAll('corp', 'c***')]);
  assert.equal(r('corp --token x'), 'c*** --token ***');
});

// Each input repeats the prefix of one rule about a million characters long. A pattern that
// rescans a run from every start would take minutes here; the timeout catches that.
test('finishes on 1 MB of hostile input for every rule', { timeout: 60_000 }, () => {
  const M = 1_000_000;
  const rep = (s: string): string => s.repeat(Math.ceil(M / s.length));
  const hostile = [
    rep('authorization'),
    rep('a://'),
    rep('password'),
    `--token ${' '.repeat(M)}`,
    `${'x'.repeat(M)}@`,
    `https://${'a'.repeat(M)}`,
    `-u${' '.repeat(M)}`,
    rep(' -u a:'),
    rep('password="'),
    rep("password='x"),
    rep('token:'),
    rep('--password "'),
    rep('-pass '),
    rep('"password":'),
    rep('\\"secret\\" : '),
    rep('?key'),
    rep('&a_key'),
    rep('?x-amz-signature='),
    rep('a=?&key'),
    rep('mysql -p '),
    rep("mysql -p'"),
    rep('sshpass -f '),
    rep('docker login -p '),
    rep('redis-cli -a"'),
    rep('-p mysql -pa\'b" ;'),
    rep('ghp_'),
    rep('ghp_aaaaaaaaaaaaaaaaaaa-'),
    rep('xoxb-'),
    rep('AKIA'),
    rep('AKIAAAAAAAAAAAAAAAAAAAAAA '),
    rep('eyJ-'),
    rep('eyJ.'),
    rep('eyJa.eyJb.'),
    rep('hooks.slack.com/services/'),
    rep('discord.com/api/webhooks/1'),
    rep('aws_secret_access_key '),
    `aws_secret_access_key${' '.repeat(M)}`,
    rep('aws_session_token ='),
  ];
  for (const input of hostile) assert.equal(typeof redact(input), 'string');
});
