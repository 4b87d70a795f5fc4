#!/usr/bin/env node
// A "VS Code executable" for @vscode/test-electron's runTests: takes the flags it passes and runs
// the extension tests in code-server's Node extension host, driven by headless Chromium.
import { chromium } from 'playwright-core';
import path from 'node:path';
import util from 'node:util';
import { CHROMIUM_ARGS, startCodeServer, workbenchUrl } from './code-server.mjs';

const devPaths = [];
const folders = [];
let testsPath;
let userDataDir;
let extensionsDir;
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (m?.[1] === 'extensionDevelopmentPath') devPaths.push(path.resolve(m[2]));
  else if (m?.[1] === 'extensionTestsPath') testsPath = path.resolve(m[2]);
  else if (m?.[1] === 'user-data-dir') userDataDir = path.resolve(m[2]);
  else if (m?.[1] === 'extensions-dir') extensionsDir = path.resolve(m[2]);
  else if (!a.startsWith('--')) folders.push(path.resolve(a));
}
if (!testsPath || devPaths.length === 0) {
  console.error('cs-test-host: need --extensionDevelopmentPath= and --extensionTestsPath=');
  process.exit(2);
}
const TIMEOUT = Number(process.env.EXT_TEST_TIMEOUT_MS ?? 180_000);
const cs = await startCodeServer({ userDataDir, extensionsDir });
let code = 1;
let browser;
try {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  // KAILASH_RENDERER_PROFILE=FILE: a CPU profile of the workbench page's main thread over the
  // session (its workers, e.g. the tokenizer, are not in it).
  const profileFile = process.env.KAILASH_RENDERER_PROFILE;
  const cdp = profileFile ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  let done;
  const exited = new Promise((r) => (done = r));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    if (
      /%c|vsda|open-vsx|github|Ignoring fetching|Updating additional builtin|Creating a socket|connection token|grace time|Service Worker|AgentHost|AccountPolicyGate/.test(
        line,
      )
    )
      return;
    (type === 'error' ? console.error : console.log)(line);
  });
  await page.exposeFunction('codeAutomationExit', (c) => done(c));
  await page.goto(workbenchUrl(cs, { folder: folders[0] ?? cs.tmp, extensionPath: devPaths[0], testsPath }));
  code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT))]);
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    (await import('node:fs')).writeFileSync(profileFile, JSON.stringify(profile));
  }
  if (code === 'timeout') {
    console.error(`cs-test-host: no result within ${TIMEOUT / 1000} s`);
    code = 1;
  }
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await browser?.close().catch(() => {});
  cs.stop();
}
process.exit(code);
