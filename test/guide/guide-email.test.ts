// The guide's email pattern: EmailSenderNode with `html` inside `smtp_config`; smtp-server (in this
// process, on 127.0.0.1) captures the message exactly as it arrived.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSmtp } from '../support/data-servers';
import { folder, run, validate } from './cli';

const PASSWORD = 'smtp-pw-6d2e90';

describe('guide: EmailSenderNode smtp_config.html sends HTML', () => {
  const files = folder();
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  before(async () => void (smtp = await startSmtp({ users: { reports: PASSWORD } })));
  beforeEach(() => void (smtp.mails.length = 0));
  after(async () => {
    await smtp.stop();
    files.cleanup();
  });

  const workflow = (html: string) => `name: report-mail
nodes:
  - id: compose
    type: PythonCodeNode
    config:
      code: |
        rows = "".join(f"<tr><td>{name}</td><td>{total}</td></tr>" for name, total in [("north", 120), ("south", 80)])
        result = f"<h1>Daily report</h1><table>{rows}</table>"
  - id: send_report
    type: EmailSenderNode
    config:
      sender_email: reports@example.org
      recipient_email: [ops@example.org]
      subject: Daily report
      smtp_config:
        server: 127.0.0.1
        port: ${smtp.port}
        use_tls: false
        username: reports
        password: \${secret:SMTP_PASSWORD}
${html}
connections:
  - {from_node: compose, from_output: result, to_node: send_report, to_input: body}
`;
  const env = { KAILASH_SECRET_SMTP_PASSWORD: PASSWORD };

  it('arrives as text/html with the markup intact', async () => {
    const file = files.write('mail.workflow.yaml', workflow('        html: true'));
    assert.deepEqual((await validate(file)).findings, []);
    const r = await run(file, [], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.record!.results.send_report!.sent, true);
    assert.equal(smtp.mails.length, 1);
    const mail = smtp.mails[0]!;
    assert.equal(mail.user, 'reports');
    assert.deepEqual(mail.to, ['ops@example.org']);
    assert.match(mail.raw, /^Content-Type: text\/html; charset=utf-8$/im);
    assert.doesNotMatch(mail.raw, /^Content-Type: text\/plain/im);
    assert.match(mail.raw.replace(/=\r?\n/g, ''), /<h1>Daily report<\/h1><table><tr><td>north<\/td><td>120<\/td><\/tr>/);
  });

  it('without it the same body is plain text', async () => {
    const r = await run(files.write('plain.workflow.yaml', workflow('')), [], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(smtp.mails[0]!.raw, /^Content-Type: text\/plain; charset=utf-8$/im);
  });
});
