// Measured inside the extension host by bench/activation.bench.ts: a cold activation of the
// extension, beside a cold require() of its bundle (the part any extension pays to load).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async () => {
  const ext = vscode.extensions.getExtension('kailash-workflows.kailash-workflows');
  if (ext.isActive) throw new Error('the extension was already active: the measurement needs a cold start');
  const t0 = performance.now();
  await ext.activate();
  const activation = performance.now() - t0;
  const copy = path.join(os.tmpdir(), `kwf-ext-${process.pid}.js`);
  fs.copyFileSync(path.join(ext.extensionPath, 'dist', 'extension.js'), copy);
  const t1 = performance.now();
  require(copy);
  const load = performance.now() - t1;
  fs.writeFileSync(process.env.KAILASH_BENCH_OUT, JSON.stringify({ activation, load, marks: ext.exports && ext.exports.marks }));
};
