/**
 * The Python side of PythonCodeNode's worker: one process per run, one JSON request per line on
 * stdin, one JSON reply per line on fd 3 (so `print` in user code cannot corrupt the protocol).
 * Kailash's semantics: inputs become variables; `result`, if set, is the output, else every
 * non-underscore, non-module variable. "restricted" mode allows only Kailash's module list.
 */
export const PYTHON_WORKER = String.raw`
import builtins, io, json, os, sys, traceback, types

ALLOWED = {
    "math", "statistics", "datetime", "json", "random", "itertools", "collections", "functools",
    "string", "time", "re", "enum", "dataclasses", "typing", "types", "copy", "uuid", "hashlib",
    "hmac", "secrets", "base64", "pandas", "numpy", "scipy", "sklearn", "pathlib", "os", "csv",
    "mimetypes", "glob", "xml", "tempfile", "logging", "io", "decimal", "fractions", "operator",
    "textwrap", "heapq", "bisect", "array", "zoneinfo", "calendar", "html", "urllib", "pprint",
}
real_import = builtins.__import__

def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    root = name.split(".")[0]
    if level == 0 and root not in ALLOWED:
        raise ImportError("Module '%s' is not in the allowed list. Allowed modules: %s" % (root, ", ".join(sorted(ALLOWED))))
    return real_import(name, globals, locals, fromlist, level)

restricted_builtins = dict(builtins.__dict__)
restricted_builtins["__import__"] = guarded_import
trusted_builtins = dict(builtins.__dict__)
proto = os.fdopen(3, "w", encoding="utf-8")
compiled = {}

def reply(obj):
    proto.write(json.dumps(obj) + "\n")
    proto.flush()

for line in sys.stdin:
    req = json.loads(line)
    rid = req["id"]
    captured = io.StringIO()
    real_stdout = sys.stdout
    try:
        code = req["code"]
        prog = compiled.get(code)
        if prog is None:
            prog = compile(code, "<%s>" % req.get("node", "code"), "exec")
            compiled[code] = prog
        env = {"__builtins__": trusted_builtins if req.get("sandbox") == "trusted" else restricted_builtins, "__name__": "__kailash__"}
        env.update(req["inputs"])
        sys.stdout = captured
        try:
            exec(prog, env)
        finally:
            sys.stdout = real_stdout
        if "result" in env:
            out = {"result": env["result"]}
        else:
            out = {k: v for k, v in env.items() if not k.startswith("_") and not isinstance(v, types.ModuleType) and not callable(v)}
        bad = []
        for k, v in out.items():
            try:
                json.dumps(v, allow_nan=False)
            except (TypeError, ValueError):
                bad.append(k)
        if bad:
            reply({"id": rid, "ok": False, "type": "NodeValidationError", "message": "Node outputs must be JSON-serializable. Failed keys: %r" % bad, "stdout": captured.getvalue()})
        else:
            reply({"id": rid, "ok": True, "output": out, "stdout": captured.getvalue()})
    except BaseException as e:
        sys.stdout = real_stdout
        tb = traceback.format_exc(limit=-3)
        reply({"id": rid, "ok": False, "type": type(e).__name__, "message": str(e), "traceback": tb, "stdout": captured.getvalue()})
`;
