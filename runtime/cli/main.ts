import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allSpecs, getSpec, nodeTypes } from '../catalog';
import { nodeReference } from '../catalog/reference';
import { closest } from '../util/suggest';
import type { Diagnostic } from '../diagnostics';
import { toDot, toMermaid } from '../graph/render';
import { formatOf } from '../model/json';
import { LineIndex } from '../model/lines';
import { parseWorkflow } from '../model/parse';
import type { WorkflowModel } from '../model/types';
import { workflowSchema } from '../schema/generate';
import { validateText } from '../validate';
import { COMMANDS, commandHelp, overview, unknownCommand, VERSION } from './help';

/** Bad usage or an unreadable file: one line, exit 2. */
export class UsageError extends Error {}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command !== undefined && Object.hasOwn(COMMANDS, command) && rest.some((a) => a === '--help' || a === '-h')) {
      io.out(commandHelp(command));
      return 0;
    }
    switch (command) {
      case 'validate':
        return validateCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'nodes':
        return nodesCommand(rest, io);
      case 'schema':
        parse(rest, {});
        io.out(JSON.stringify(workflowSchema(), null, 2) + '\n');
        return 0;
      case 'graph':
        return graphCommand(rest, io);
      case 'test':
        return await testCli(rest, io);
      case 'worker':
      case 'submit':
      case 'status':
      case 'cancel':
        // Redis and BullMQ are loaded only by the commands that talk to a queue.
        const { workerCli } = await import('../worker/cli');
        return await workerCli(command, rest, io, { usageError: (m) => new UsageError(m), readFile: readWorkflow });
      case undefined:
        io.err(overview());
        return 2;
      case '-h':
      case '--help':
        io.out(overview());
        return 0;
      case 'help':
        if (rest[0] === undefined) io.out(overview());
        else if (Object.hasOwn(COMMANDS, rest[0])) io.out(commandHelp(rest[0]));
        else throw new UsageError(unknownCommand(rest[0]));
        return 0;
      case '-V':
      case '--version':
        io.out(`kailash-wf ${VERSION}\n`);
        return 0;
      default:
        throw new UsageError(unknownCommand(command));
    }
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.err(`kailash-wf: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && String((err as { code: string }).code).startsWith('ERR_PARSE_ARGS');
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse<O extends Options>(args: string[], options: O) {
  return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
}

function readWorkflow(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new UsageError(`cannot read '${file}': ${why}`);
  }
}

interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Diagnostic['severity'];
  code: Diagnostic['code'];
  message: string;
}

export function toJsonDiagnostic(file: string, d: Diagnostic, lines: LineIndex): JsonDiagnostic {
  const s = lines.position(d.span[0]);
  const e = lines.position(d.span[1]);
  return {
    file,
    line: s.line + 1,
    column: s.character + 1,
    endLine: e.line + 1,
    endColumn: e.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

function validateCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('validate needs at least one file');
  // Read every file first: an unreadable one is a usage error, reported before any output.
  const texts = positionals.map((file) => [file, readWorkflow(file)] as const);
  const all: JsonDiagnostic[] = [];
  for (const [file, text] of texts) {
    const { diagnostics, lines } = validateText(text, {}, formatOf(file));
    for (const d of diagnostics) all.push(toJsonDiagnostic(file, d, lines));
  }
  const errors = all.filter((d) => d.severity === 'error').length;
  if (values.json) {
    io.out(JSON.stringify(all, null, 2) + '\n');
  } else {
    for (const d of all) io.out(`${d.file}:${d.line}:${d.column}: ${d.severity} [${d.code}] ${d.message}\n`);
    const warnings = all.filter((d) => d.severity === 'warning').length;
    io.out(
      `${texts.length} file${texts.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
    );
  }
  return errors > 0 ? 1 : 0;
}

function nodesCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw new UsageError(`nodes takes at most one node type (got '${positionals[1]}')`);
  if (positionals.length === 1) {
    const type = positionals[0]!;
    const spec = getSpec(type);
    if (!spec) {
      const near = closest(type, nodeTypes);
      throw new UsageError(
        `unknown node type '${type}'${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; \`kailash-wf nodes\` lists them`,
      );
    }
    io.out(values.json ? JSON.stringify(spec, null, 2) + '\n' : nodeReference(spec) + '\n');
    return 0;
  }
  if (values.json) {
    io.out(JSON.stringify(allSpecs, null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...allSpecs.map((s) => s.type.length));
  let category = '';
  for (const s of allSpecs) {
    if (s.category !== category) {
      category = s.category;
      io.out(`${category === allSpecs[0]!.category ? '' : '\n'}${category}\n`);
    }
    io.out(`  ${s.type.padEnd(width)}  ${s.summary}\n`);
  }
  return 0;
}

function graphCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { format: { type: 'string', default: 'mermaid' } });
  if (positionals.length !== 1) throw new UsageError('graph needs exactly one file');
  const format = values.format;
  if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`unknown format '${String(format)}' (mermaid or dot)`);
  const file = positionals[0]!;
  const text = readWorkflow(file);
  // A graph of a broken file would draw only part of it, as if that were the workflow.
  const { diagnostics, lines } = validateText(text, {}, formatOf(file));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    for (const d of errors) {
      const j = toJsonDiagnostic(file, d, lines);
      io.err(`${j.file}:${j.line}:${j.column}: error [${j.code}] ${j.message}\n`);
    }
    io.err(
      `kailash-wf: ${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} to draw its graph\n`,
    );
    return 1;
  }
  const model = parseWorkflow(text, formatOf(file));
  io.out(format === 'dot' ? toDot(model) : toMermaid(model));
  return 0;
}

async function testCli(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    reporter: { type: 'string', default: 'text' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
  });
  // Colour only on a terminal (and never when NO_COLOR is set), unless asked for.
  const color = values['no-color'] ? false : (values.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR));
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    // The runner and the engine are loaded only by the commands that run: `validate`, `nodes`,
    // `graph` and `schema` start without them (and the node built-ins they import).
    const { testCommand } = await import('./test');
    return await testCommand({ paths: positionals, reporter: values.reporter, color }, io, (m) => new UsageError(m), controller.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}

async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    params: { type: 'string' },
    param: { type: 'string', multiple: true },
    'env-file': { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('run needs exactly one file');
  const file = positionals[0]!;
  const text = readWorkflow(file);
  let parsed: WorkflowModel | undefined;
  const model = () => (parsed ??= parseWorkflow(text, formatOf(file)));
  const { collectParams, runWorkflow } = await import('./run');
  let params;
  try {
    params = collectParams(values.params, values.param ?? [], readWorkflow, model);
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
  if (values['env-file'] !== undefined) readWorkflow(values['env-file']);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await runWorkflow(
      {
        file,
        text,
        model,
        params,
        json: values.json === true,
        ...(values['env-file'] !== undefined ? { envFile: values['env-file'] } : {}),
        ...(values.to !== undefined ? { to: values.to } : {}),
      },
      io,
      controller.signal,
    );
  } finally {
    process.off('SIGINT', stop);
  }
}
