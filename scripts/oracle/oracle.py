"""The Kailash Python SDK as the oracle of our compatibility suite.

    python3 scripts/oracle/oracle.py generate [CASES_DIR] [--seeds 0,1,2] [--only NAME...]
    python3 scripts/oracle/oracle.py loads [FILE_OR_DIR...]
    python3 scripts/oracle/oracle.py scalars

`generate` runs every case of CASES_DIR (default test/compat/cases) through the SDK, once per
PYTHONHASHSEED in --seeds (each seed in its own interpreter), and writes NAME.expected.json for
the cases whose output is byte-identical under every seed. A case is NAME.workflow.yaml, an
optional NAME.params.json (the `parameters` of `execute`) and an optional NAME.files/ folder
copied next to the workflow. Each case runs in a fresh temporary folder that is its working
directory, so relative paths mean "next to the workflow file", as they do in kailash-wf.

`scalars` writes test/compat/yaml-scalars.expected.json: what `yaml.safe_load` makes of each
plain scalar spelling listed in yaml-scalars.json (type, repr, or PyYAML's error).

`loads` checks that every workflow file (default: examples/ and test/fixtures/valid/) loads with
`WorkflowBuilder.from_dict(...).build()`, and that a file using this project's extensions says
which in a `# kailash-extensions: a, b` line (a `"x-kailash-extensions": [...]` key in JSON).

Needs the SDK's public sources (github.com/terrene-foundation/kailash-py, version 2.63.0) on
PYTHONPATH and its dependencies installed; see README.md next to this file.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORMAT = 1
# Output fields that hold the time of the run or of a file (DirectoryReaderNode, SQLDatabaseNode):
# they can never match, so both sides replace them with this marker.
TIME_KEYS = {"execution_time", "scan_time", "created_time", "modified_time", "discovered_at", "response_time_ms", "token_expires_at"}
TIME = "<time>"
CASE_DIR = "<case>"
# Cases that call a server write it as PLACEHOLDER; test/compat/http-server.ts answers them.
PLACEHOLDER = "http://compat.server"
SERVER = "<server>"
server_url = [None]
# The folder's own name stands for the folder in messages and paths.


def load_sdk():
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    import kailash  # noqa: F401
    import kailash.nodes.code  # noqa: F401
    import kailash.nodes.logic  # noqa: F401
    import kailash.nodes.data  # noqa: F401

    try:
        import kailash.nodes.api  # noqa: F401
    except Exception:  # the HTTP family needs optional packages; the core cases do not
        pass
    from kailash.workflow.builder import WorkflowBuilder
    from kailash.runtime.local import LocalRuntime

    return kailash, WorkflowBuilder, LocalRuntime


# ---------------------------------------------------------------- values


def plain(value, folders):
    """A node's output as JSON can hold it: `_` keys dropped, tuples as lists, NaN/inf tagged."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(k, str) and k.startswith("_"):
                continue
            key = k if isinstance(k, str) else json.dumps(plain(k, folders))
            out[key] = TIME if key in TIME_KEYS and v is not None else plain(v, folders)
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v, folders) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, str):
        return local(value, folders)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return {"$repr": type(value).__name__}


def local(text, folders):
    for f in folders:
        text = text.replace(f, CASE_DIR)
    if server_url[0]:
        text = text.replace(server_url[0], SERVER)
    return text


def start_server():
    """The compat cases' HTTP server (test/compat/http-server.ts), for as long as this process runs."""
    proc = subprocess.Popen(
        ["node", "--import", "tsx", str(ROOT / "test" / "compat" / "http-server.ts")],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        sys.exit("the compat HTTP server did not start (npm ci first: it runs with tsx)")
    server_url[0] = url
    return proc


def first_line(text):
    return text.strip().split("\n", 1)[0]


def chain(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def user_raised(exc, sdk_dir):
    """Whether the innermost frame of `exc` is the user's code (exec'd, or a file of the case)."""
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    if not frames:
        return False
    name = frames[-1].filename
    return name.startswith("<") and not name.startswith("<frozen") or (
        os.path.isabs(name) and not name.startswith(sdk_dir) and not name.startswith(sys.prefix)
        and not name.startswith(sys.base_prefix)
    )


def failure(exc, folders, sdk_dir):
    links = list(chain(exc))
    mention = next((str(e) for e in links if user_raised(e, sdk_dir)), None)
    node = None
    for e in links:
        m = re.match(r"Node '([^']+)' failed", str(e))
        if m:
            node = m.group(1)
            break
    out = {
        "status": "error",
        "error": {"type": type(exc).__name__, "message": local(first_line(str(exc)), folders)},
        "must_mention": local(first_line(mention), folders) if mention else None,
    }
    if node is not None:
        out["node"] = node
    return out


# ---------------------------------------------------------------- cases


def case_names(folder):
    return sorted(p.name[: -len(".workflow.yaml")] for p in folder.glob("*.workflow.yaml"))


def run_case(folder, name, sdk):
    import yaml

    kailash, WorkflowBuilder, LocalRuntime = sdk
    sdk_dir = str(Path(kailash.__file__).resolve().parent)
    home = os.getcwd()
    work = tempfile.mkdtemp(prefix="kwf-oracle-")
    folders = sorted({work, os.path.realpath(work)}, key=len, reverse=True)
    try:
        text = (folder / f"{name}.workflow.yaml").read_text(encoding="utf-8")
        if PLACEHOLDER in text:
            text = text.replace(PLACEHOLDER, server_url[0])
        (Path(work) / f"{name}.workflow.yaml").write_text(text, encoding="utf-8")
        files = folder / f"{name}.files"
        if files.is_dir():
            shutil.copytree(files, work, dirs_exist_ok=True)
        params_file = folder / f"{name}.params.json"
        params = json.loads(params_file.read_text()) if params_file.exists() else None
        os.chdir(work)
        try:
            definition = yaml.safe_load((Path(work) / f"{name}.workflow.yaml").read_text(encoding="utf-8"))
            workflow = WorkflowBuilder.from_dict(definition).build()
            with LocalRuntime() as runtime:
                results, _run_id = runtime.execute(workflow, parameters=params)
        except Exception as exc:  # noqa: BLE001 - every failure is a recorded outcome
            return failure(exc, folders, sdk_dir)
        finally:
            os.chdir(home)
        out = {"status": "ok", "results": plain(results, folders)}
        failed = {}
        for node, value in results.items():
            if isinstance(value, dict) and value.get("failed") is True:
                exc = value.get("_exception")
                mention = None
                if isinstance(exc, BaseException):
                    mention = next((str(e) for e in chain(exc) if user_raised(e, sdk_dir)), None)
                failed[node] = local(first_line(mention), folders) if mention else None
                # Kailash's own wording (and its traceback) is not part of the contract.
                out["results"][node]["error"] = local(first_line(str(value.get("error", ""))), folders)
        if failed:
            out["failed_nodes"] = failed
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def worker(folder, names, out_file):
    sdk = load_sdk()
    if any(PLACEHOLDER in (folder / f"{n}.workflow.yaml").read_text(encoding="utf-8") for n in names):
        start_server()
    outputs = {}
    for name in names:
        try:
            outputs[name] = run_case(folder, name, sdk)
        except Exception as exc:  # noqa: BLE001 - a broken case must not hide the others
            outputs[name] = {"status": "oracle-failure", "error": f"{type(exc).__name__}: {exc}"}
    Path(out_file).write_text(json.dumps(outputs, ensure_ascii=False))


def encode(outcome):
    return json.dumps({"format": FORMAT, **outcome}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def generate(args):
    folder = Path(args.cases).resolve()
    names = args.only or case_names(folder)
    missing = [n for n in names if not (folder / f"{n}.workflow.yaml").exists()]
    if missing:
        sys.exit(f"no such case: {', '.join(missing)}")
    seeds = [s.strip() for s in args.seeds.split(",") if s.strip()]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            out = Path(tmp) / f"seed-{seed}.json"
            env = {**os.environ, "PYTHONHASHSEED": seed}
            cmd = [sys.executable, __file__, "_worker", str(folder), str(out), *names]
            r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                sys.exit(f"oracle worker (PYTHONHASHSEED={seed}) failed:\n{r.stderr[-4000:]}")
            runs.append(json.loads(out.read_text()))
    written, unstable, broken = 0, [], []
    for name in names:
        texts = {encode(run[name]) for run in runs}
        first = runs[0][name]
        if first.get("status") == "oracle-failure":
            broken.append(f"{name}: {first['error']}")
            continue
        if len(texts) != 1:
            unstable.append(name)
            continue
        target = folder / f"{name}.expected.json"
        text = texts.pop()
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written += 1
    print(f"{len(names)} cases, {written} expected files written or changed, {len(unstable)} unstable, {len(broken)} broken")
    for n in unstable:
        print(f"  unstable under PYTHONHASHSEED {','.join(seeds)} (not written): {n}")
    for b in broken:
        print(f"  broken: {b}")
    stale = [p.name for p in folder.glob("*.expected.json") if p.name[: -len(".expected.json")] not in case_names(folder)]
    for s in stale:
        print(f"  expected file without a case: {s}")
    return 1 if unstable or broken or stale else 0


# ---------------------------------------------------------------- loads

EXTENSION_MARK = re.compile(r"^#\s*kailash-extensions:\s*(.*)$", re.M)
NODE_KEYS = {"id", "type", "config", "parameters"}
CYCLE_KEYS = {"cycle", "max_iterations", "convergence_check"}


def extensions_used(definition, registry):
    """Features of a definition that the SDK's from_dict ignores or cannot run."""
    used = set()
    if "parameters" in definition:
        used.add("parameters-block")
    nodes = definition.get("nodes") or []
    items = nodes.items() if isinstance(nodes, dict) else ((n.get("id"), n) for n in nodes)
    for _id, node in items:
        if not isinstance(node, dict):
            continue
        if node.get("type") not in registry:
            used.add(f"node:{node.get('type')}")
        for key in sorted(set(node) - NODE_KEYS):
            used.add(f"policy:{key}")
    for c in definition.get("connections") or []:
        if isinstance(c, dict) and CYCLE_KEYS & set(c):
            used.add("cycle")
    text = json.dumps(definition)
    for kind in ("env", "secret"):
        if "${" + kind + ":" in text:
            used.add(f"template:{kind}")
    return used


def loads(args):
    import yaml

    kailash, WorkflowBuilder, _ = load_sdk()
    for module in ("kailash.nodes.auth", "kailash.nodes.security", "kailash.nodes.alerts", "kailash.nodes.transform"):
        try:
            __import__(module)
        except Exception:
            pass
    from kailash.nodes.base import NodeRegistry

    registry = set(NodeRegistry.list_nodes())
    targets = args.files or [str(ROOT / "examples"), str(ROOT / "test" / "fixtures" / "valid")]
    files = []
    for t in targets:
        p = Path(t)
        files += sorted(q for q in p.rglob("*") if re.search(r"\.workflow\.(ya?ml|json)$", q.name)) if p.is_dir() else [p]
    problems = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        definition = json.loads(text) if f.suffix == ".json" else yaml.safe_load(text)
        if f.suffix == ".json":
            declared = set(definition.get("x-kailash-extensions", []))
        else:
            m = EXTENSION_MARK.search(text)
            declared = {s.strip() for s in m.group(1).split(",") if s.strip()} if m else set()
        used = extensions_used(definition, registry)
        rel = f.relative_to(ROOT) if f.is_relative_to(ROOT) else f
        issues = []
        if used != declared:
            if used - declared:
                issues.append(f"uses undeclared extensions: {', '.join(sorted(used - declared))}")
            if declared - used:
                issues.append(f"declares extensions it does not use: {', '.join(sorted(declared - used))}")
        # Every file must load; files that need nodes the SDK lacks cannot build there, the rest must.
        try:
            builder = WorkflowBuilder.from_dict(definition)
            if not any(u.startswith("node:") for u in used):
                builder.build()
        except Exception as exc:  # noqa: BLE001
            issues.append(f"does not load: {type(exc).__name__}: {first_line(str(exc))}")
        status = "ok" if not issues else "FAIL"
        print(f"{status:4} {rel}" + (f"  [{', '.join(sorted(used))}]" if used else ""))
        for i in issues:
            print(f"       {i}")
        problems += bool(issues)
    print(f"{len(files)} files, {problems} with problems")
    return 1 if problems else 0


# ---------------------------------------------------------------- scalars

SCALARS = ROOT / "test" / "compat" / "yaml-scalars.json"


def scalars(args):
    """What `yaml.safe_load` makes of each plain scalar of yaml-scalars.json, as `v: SPELLING`."""
    import yaml

    spellings = json.loads(SCALARS.read_text(encoding="utf-8"))
    out = {}
    for s in spellings:
        try:
            v = yaml.safe_load(f"v: {s}")["v"]
        except Exception as exc:  # noqa: BLE001 - PyYAML refusing a spelling is its answer
            out[s] = {"error": first_line(str(exc))}
            continue
        row = {"type": type(v).__name__, "repr": repr(v)}
        if type(v).__name__ in ("date", "datetime"):
            row["str"] = str(v)
        out[s] = row
    target = SCALARS.with_name("yaml-scalars.expected.json")
    target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(out)} spellings written to {target.relative_to(ROOT)}")
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        folder, out, *names = sys.argv[2:]
        worker(Path(folder), names, out)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write NAME.expected.json for every deterministic case")
    g.add_argument("cases", nargs="?", default=str(ROOT / "test" / "compat" / "cases"))
    g.add_argument("--seeds", default="0,1,2")
    g.add_argument("--only", nargs="*")
    lo = sub.add_parser("loads", help="check that workflow files load with from_dict")
    lo.add_argument("files", nargs="*")
    sub.add_parser("scalars", help="write how PyYAML reads each spelling of test/compat/yaml-scalars.json")
    args = ap.parse_args()
    return {"generate": generate, "loads": loads, "scalars": scalars}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
