// The guide's JWT pattern with the action chosen when it runs: one node generates a token, the
// next verifies it; both are configured in the workflow except `action`, which the run gives.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kailashWf } from '../support/cli-process';
import { workspace } from '../support/run';

const SECRET = 'guide-jwt-secret-3f9a1c7e5b2d';
const env = { KAILASH_SECRET_JWT_SECRET: SECRET };

const WORKFLOW = `name: jwt-at-run-time
nodes:
  - id: issue
    type: JWTAuthNode
    config: {secret_key: "\${secret:JWT_SECRET}", payload: {sub: svc-export, role: exporter}, expire_minutes: 5}
  - id: verify
    type: JWTAuthNode
    config: {secret_key: "\${secret:JWT_SECRET}"}
connections:
  - {from_node: issue, from_output: token, to_node: verify, to_input: token}
`;

describe('guide: JWT generate then verify, with `action` given at run time', () => {
  it('a node-specific action for each node, and a global issuer both nodes take', async () => {
    const dir = workspace({ 'jwt.workflow.yaml': WORKFLOW });
    const r = await kailashWf(
      [
        'run',
        join(dir, 'jwt.workflow.yaml'),
        '--param',
        'issue.action=generate',
        '--param',
        'verify.action=verify',
        '--param',
        'issuer=billing',
        '--json',
      ],
      { env },
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const record = JSON.parse(r.out) as {
      results: { issue: { token: string }; verify: { valid: boolean; payload: Record<string, unknown> } };
    };
    assert.equal(record.results.verify.valid, true);
    assert.equal(record.results.verify.payload.sub, 'svc-export');
    // `issuer` reached the generating node (the claim is there) and the verifying one (it checked it).
    assert.equal(record.results.verify.payload.iss, 'billing');
    assert.ok(!r.out.includes(SECRET), 'the secret never reaches the output');
  });

  it('a verifier given another issuer at run time rejects the token (so the run value is really used)', async () => {
    const dir = workspace({ 'jwt.workflow.yaml': WORKFLOW });
    const params = join(dir, 'p.yaml');
    require('node:fs').writeFileSync(
      params,
      'issuer: billing\nissue: {action: generate}\nverify: {action: verify, issuer: someone-else}\n',
    );
    const r = await kailashWf(['run', join(dir, 'jwt.workflow.yaml'), '--params', params, '--json'], { env });
    assert.equal(r.code, 0, r.err);
    const record = JSON.parse(r.out) as { results: { verify: { valid: boolean; error: string } } };
    assert.equal(record.results.verify.valid, false);
    assert.match(record.results.verify.error, /iss|issuer/i);
  });

  it('with only one action given, nothing runs: the other node is named', async () => {
    const dir = workspace({ 'jwt.workflow.yaml': WORKFLOW });
    const r = await kailashWf(['run', join(dir, 'jwt.workflow.yaml'), '--param', 'issue.action=generate'], { env });
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /error \[missing-required-param\] Node 'verify' \(JWTAuthNode\) has no value for required parameter 'action'/);
  });
});
