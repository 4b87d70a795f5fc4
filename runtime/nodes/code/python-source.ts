import { PYTHON_ALLOWED_BUILTINS, PYTHON_ALLOWED_MODULES } from '../../catalog/python-allowlist';

/**
 * The Python side of PythonCodeNode's worker: one process per run, one JSON request per line on
 * stdin, one reply per line on a pipe (fd 3 at start); a chain request (`run_chain`) gets one
 * reply per node, written as each node ends. Kailash's semantics: inputs become
 * variables; `result`, if set, is the output, else every non-underscore, non-module variable;
 * the allow-listed modules are bound without `import`.
 *
 * Restricted mode is Kailash's allow-list made to hold inside one interpreter: Kailash's safety
 * check (imports, eval/exec/system calls) plus dunder and frame attributes refused before the
 * code runs; Kailash's builtins only, with `__import__`, `getattr`, `hasattr` and `vars` guarded
 * at run time; modules handed to the code as views that never yield a module off the list (no
 * `os.sys`), nor private names, nor process control (`os.system`, `os.fork`, `os.kill`…).
 * It keeps honest code honest; it is not a boundary against hostile code (SECURITY.md).
 *
 * Every reply carries the request's token: code that writes to the reply pipe cannot forge one.
 */
export const PYTHON_WORKER = String.raw`
import ast, builtins, importlib, importlib.util, io, json, math, os, sys, threading, time, traceback, types

ALLOWED = frozenset(${JSON.stringify(PYTHON_ALLOWED_MODULES)})
ALLOWED_BUILTINS = ${JSON.stringify(PYTHON_ALLOWED_BUILTINS)}

# The reply pipe moves off fd 3 (code writing "to fd 3" reaches nothing) and is not inherited.
_proto_fd = os.dup(3)
os.close(3)
os.set_inheritable(_proto_fd, False)
_proto = os.fdopen(_proto_fd, "w", encoding="utf-8")
_stdin = sys.stdin
_real_import = builtins.__import__

# The run's host watches this process; if the host dies (even by SIGKILL) the process group
# (this worker and whatever its code started) goes with it.
def _watch_parent(ppid):
    while True:
        time.sleep(0.5)
        if os.getppid() != ppid:
            try:
                os.killpg(0, 9)
            finally:
                os._exit(1)
threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()

MODULE_ALIASES = {"posixpath": "os", "ntpath": "os", "genericpath": "os"}
FRAME_ATTRS = frozenset("""gi_frame gi_code gi_yieldfrom cr_frame cr_code cr_await cr_origin ag_frame ag_code ag_await
f_back f_builtins f_code f_globals f_locals f_trace tb_frame tb_next co_code co_consts co_names""".split())
# Allowed modules' members that lead out of the allow-list or control processes.
DENIED = {
    "os": frozenset("""system popen execl execle execlp execlpe execv execve execvp execvpe spawnl spawnle spawnlp
spawnlpe spawnv spawnve spawnvp spawnvpe posix_spawn posix_spawnp fork forkpty kill killpg abort plock
setsid setpgid setpgrp putenv unsetenv fexecve register_at_fork pidfd_open startfile""".split()),
    "logging": frozenset(["config"]),
    "string": frozenset(["Formatter"]),
    "types": frozenset(["CodeType", "FrameType", "TracebackType", "CellType"]),
    "pickle": frozenset(["Unpickler", "_Unpickler"]),
    "yaml": frozenset("""unsafe_load unsafe_load_all full_load full_load_all Loader UnsafeLoader FullLoader CLoader
CUnsafeLoader CFullLoader load_all""".split()),
    "numpy": frozenset(["ctypeslib", "load", "f2py", "distutils"]),
    "pandas": frozenset(["read_pickle", "eval"]),
}
# pickle.loads and yaml.load stay, restricted to plain data (see _safe_member).
SAFE_PICKLE_GLOBALS = frozenset([
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "bytearray"), ("builtins", "complex"),
    ("builtins", "slice"), ("collections", "OrderedDict"), ("collections", "defaultdict"),
    ("collections", "deque"), ("collections", "Counter"), ("datetime", "date"), ("datetime", "datetime"),
    ("datetime", "time"), ("datetime", "timedelta"), ("datetime", "timezone"), ("decimal", "Decimal"),
    ("fractions", "Fraction"), ("uuid", "UUID"),
])

class SafetyViolation(Exception):
    pass

class _Checker(ast.NodeVisitor):
    """Kailash's safety rules, and the dunder/frame attributes that would walk around them."""
    def __init__(self):
        self.violations = []
    def add(self, node, msg):
        self.violations.append("Line %d: %s" % (getattr(node, "lineno", 0), msg))
    def visit_Import(self, node):
        for alias in node.names:
            root = alias.name.split(".")[0]
            if root not in ALLOWED:
                self.add(node, "Import of module '%s' is not allowed" % root)
        self.generic_visit(node)
    def visit_ImportFrom(self, node):
        if node.level:
            self.add(node, "Relative imports are not allowed")
        elif node.module:
            root = node.module.split(".")[0]
            if root not in ALLOWED:
                self.add(node, "Import from module '%s' is not allowed" % root)
            for alias in node.names:
                if alias.name in DENIED.get(root, ()) or alias.name.startswith("__"):
                    self.add(node, "Import of dangerous function '%s' from module '%s' is not allowed" % (alias.name, root))
        self.generic_visit(node)
    def visit_Call(self, node):
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("eval", "exec", "compile", "system", "popen", "__import__"):
            self.add(node, "Call to '%s' is not allowed" % f.id)
        elif isinstance(f, ast.Attribute) and f.attr in ("system", "popen"):
            self.add(node, "Call to method '%s' is not allowed" % f.attr)
        self.generic_visit(node)
    def visit_Attribute(self, node):
        if _hidden_attr(node.attr):
            self.add(node, "Access to attribute '%s' is not allowed in restricted mode" % node.attr)
        self.generic_visit(node)
    def visit_Name(self, node):
        if node.id.startswith("__") and node.id != "__name__":
            self.add(node, "Use of name '%s' is not allowed in restricted mode" % node.id)
        self.generic_visit(node)

# Dunder names that are plain strings (Kailash lets code read them, as in type(x).__name__).
READABLE_DUNDERS = frozenset(("__name__", "__qualname__", "__doc__", "__module__"))

def _hidden_attr(name):
    return (name.startswith("__") and name.endswith("__") and name not in READABLE_DUNDERS) or name in FRAME_ATTRS

def check_safety(code, filename):
    tree = ast.parse(code, filename)
    c = _Checker()
    c.visit(tree)
    if c.violations:
        msg = "Code safety violations found:\n" + "\n".join(c.violations)
        bad = sorted({v.split("'")[1] for v in c.violations if "module '" in v and "dangerous" not in v})
        for m in bad:
            msg += "\n\nModule '%s' is not in the allowed list. Allowed modules: %s" % (m, ", ".join(sorted(ALLOWED)))
        raise SafetyViolation(msg)

def _module_root(mod):
    name = getattr(mod, "__name__", "") or ""
    root = name.split(".")[0]
    return MODULE_ALIASES.get(root, root)

_views = {}
_view_targets = {}

class _ModuleView(object):
    """What restricted code holds instead of a module: attributes pass through a filter."""
    __slots__ = ("__weakref__",)
    def __getattribute__(self, name):
        mod = _view_targets[id(self)]
        return _safe_member(mod, name)
    def __setattr__(self, name, value):
        raise AttributeError("modules cannot be changed in restricted mode")
    def __delattr__(self, name):
        raise AttributeError("modules cannot be changed in restricted mode")
    def __dir__(self):
        mod = _view_targets[id(self)]
        return [n for n in dir(mod) if not n.startswith("_")]
    def __repr__(self):
        return "<module '%s' (restricted view)>" % _view_targets[id(self)].__name__

def restricted_view(mod):
    v = _views.get(id(mod))
    if v is None:
        v = object.__new__(_ModuleView)
        _view_targets[id(v)] = mod
        _views[id(mod)] = v
    return v

def _safe_member(mod, name):
    root = _module_root(mod)
    if not isinstance(name, str) or name.startswith("_"):
        raise AttributeError("module '%s' has no attribute '%s' in restricted mode" % (mod.__name__, name))
    if name in DENIED.get(root, ()):
        raise AttributeError("'%s.%s' is not available in restricted mode (sandbox_mode: trusted allows it)" % (root, name))
    try:
        value = getattr(mod, name)
    except AttributeError:
        # A submodule not imported yet (numpy.linalg, xml.etree…): importing it is still allowed.
        try:
            value = importlib.import_module(mod.__name__ + "." + name)
        except ImportError:
            raise AttributeError("module '%s' has no attribute '%s'" % (mod.__name__, name))
    if isinstance(value, types.ModuleType):
        if _module_root(value) not in ALLOWED:
            raise AttributeError("'%s.%s' is the module '%s', which is not in the allowed list" % (mod.__name__, name, value.__name__))
        return restricted_view(value)
    if root == "pickle" and name in ("loads", "load"):
        return _safe_pickle(name)
    if root == "yaml" and name == "load":
        return _safe_yaml_load
    return value

def _safe_pickle(name):
    import pickle
    class DataUnpickler(pickle.Unpickler):
        def find_class(self, module, qualname):
            if (module, qualname) in SAFE_PICKLE_GLOBALS or module.split(".")[0] in ("numpy", "pandas"):
                return super().find_class(module, qualname)
            raise pickle.UnpicklingError("restricted mode unpickles plain data only, not '%s.%s'" % (module, qualname))
    if name == "loads":
        return lambda data, **kw: DataUnpickler(io.BytesIO(data), **kw).load()
    return lambda file, **kw: DataUnpickler(file, **kw).load()

def _safe_yaml_load(stream, Loader=None):
    import yaml
    return yaml.load(stream, Loader=yaml.SafeLoader)

def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    root = name.split(".")[0]
    if level != 0:
        raise ImportError("Relative imports are not allowed in restricted mode")
    if root not in ALLOWED:
        raise ImportError("Module '%s' is not in the allowed list. Allowed modules: %s" % (root, ", ".join(sorted(ALLOWED))))
    if name == "logging.config" or name.startswith("logging.config."):
        raise ImportError("Module 'logging.config' is not available in restricted mode (it imports any module a config names)")
    mod = _real_import(name, None, None, fromlist, 0)
    return restricted_view(mod)

def safe_getattr(obj, name, *default):
    if isinstance(name, str) and _hidden_attr(name):
        raise AttributeError("Access to attribute '%s' is not allowed in restricted mode" % name)
    return getattr(obj, name, *default)

def safe_hasattr(obj, name):
    if isinstance(name, str) and _hidden_attr(name):
        return False
    return hasattr(obj, name)

def safe_vars(*args):
    if not args:
        raise TypeError("vars() without an argument is not available in restricted mode")
    obj = args[0]
    if isinstance(obj, (type, _ModuleView, _LazyModule, types.ModuleType)):
        raise TypeError("vars() of a class or module is not available in restricted mode")
    return {k: v for k, v in vars(obj).items() if not _hidden_attr(k)}

GUARDED = {"__import__": guarded_import, "getattr": safe_getattr, "hasattr": safe_hasattr, "vars": safe_vars}
restricted_builtins = {}
for _name in ALLOWED_BUILTINS:
    if _name in GUARDED:
        restricted_builtins[_name] = GUARDED[_name]
    elif hasattr(builtins, _name):
        restricted_builtins[_name] = getattr(builtins, _name)
trusted_builtins = dict(builtins.__dict__)

class _LazyModule(object):
    """An allow-listed module bound by name before any import: it loads on first use."""
    __slots__ = ("__weakref__",)
    def __getattribute__(self, name):
        mod = importlib.import_module(_lazy_names[id(self)])
        if _lazy_restricted[id(self)]:
            return _safe_member(mod, name)
        return getattr(mod, name)
    def __repr__(self):
        return "<module '%s'>" % _lazy_names[id(self)]

_lazy_names = {}
_lazy_restricted = {}
_installed = [m for m in sorted(ALLOWED) if importlib.util.find_spec(m) is not None]

def _lazy(name, restricted):
    v = object.__new__(_LazyModule)
    _lazy_names[id(v)] = name
    _lazy_restricted[id(v)] = restricted
    return v

PRELOADED = {True: {m: _lazy(m, True) for m in _installed}, False: {m: _lazy(m, False) for m in _installed}}

def _is_module(v):
    return isinstance(v, (types.ModuleType, _ModuleView, _LazyModule))

# The tagged wire format (runtime/values/wire.ts): JSON wherever JSON holds a value exactly, tags
# where it does not, so ints beyond 2^53, whole floats, NaN, tuples and int keys survive the trip.
_TAGS = frozenset(("$int", "$float", "$tuple", "$dict"))
_MAX_SAFE = 2 ** 53 - 1
_INF = float("inf")
_tagged = [False]

def _float_tag(v):
    _tagged[0] = True
    return {"$float": "nan" if v != v else ("inf" if v == _INF else ("-inf" if v == -_INF else repr(v)))}

def _enc(v, depth=0):
    t = type(v)
    if t is str or t is bool or v is None:
        return v
    if t is int:
        if -_MAX_SAFE <= v <= _MAX_SAFE:
            return v
        _tagged[0] = True
        return {"$int": str(v)}
    if t is float:
        if v - v == 0 and not v.is_integer():
            return v
        return _float_tag(v)
    if depth > 500:
        raise RecursionError("maximum nesting depth exceeded")
    if t is list:
        return [_enc(x, depth + 1) for x in v]
    if t is dict:
        # Plain JSON unless a JS object would change it: keys that are not strings, or an order it
        # would not keep (it lists integer-like keys first, ascending).
        last = -1
        for k in v:
            if type(k) is not str:
                break
            if k[:1].isdigit() and _is_index(k):
                if last is None or int(k) <= last:
                    break
                last = int(k)
            else:
                last = None
        else:
            if len(v) != 1 or next(iter(v)) not in _TAGS:
                return {k: _enc(x, depth + 1) for k, x in v.items()}
        _tagged[0] = True
        return {"$dict": [[_enc_key(k), _enc(x, depth + 1)] for k, x in v.items()]}
    if t is tuple:
        _tagged[0] = True
        return {"$tuple": [_enc(x, depth + 1) for x in v]}
    # Subclasses (IntEnum, OrderedDict, namedtuple...) are what json.dumps makes of them.
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return _enc(int(v), depth)
    if isinstance(v, float):
        return _enc(float(v), depth)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, (list, tuple, dict)):
        return _enc((list if isinstance(v, list) else tuple if isinstance(v, tuple) else dict)(v), depth)
    raise TypeError("Object of type %s is not JSON serializable" % type(v).__name__)

def _is_index(k):
    return k.isascii() and k.isdigit() and (k == "0" or k[0] != "0") and int(k) < 4294967295

def _enc_key(k):
    if k is None or isinstance(k, (str, int, float)):
        return _enc(k)
    raise TypeError("keys must be str, int, float, bool or None, not %s" % type(k).__name__)

def _dec(d):
    if len(d) == 1:
        for k, x in d.items():
            if k in _TAGS:
                if k == "$int":
                    return int(x)
                if k == "$float":
                    return float(x)
                if k == "$tuple":
                    return tuple(x)
                return {kk: vv for kk, vv in x}
    return d

MAX_LINES = 1000

def _user_traceback(e, filename):
    """The traceback's frames in the user's code: the worker's own are noise (and its internals)."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == filename][-3:]
    text = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) if frames else ""
    return text + "".join(traceback.format_exception_only(type(e), e))

def _lines(text):
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + ["... %d more lines not shown" % (len(lines) - MAX_LINES)]
    return [l[:4000] for l in lines]

# json.dumps(obj, allow_nan=False, separators=(",", ":")), without making an encoder per reply
# (one per node of a chain). No circular check: replies hold what _enc made (fresh containers,
# depth-bounded) and strings.
_encode_reply = json.JSONEncoder(allow_nan=False, check_circular=False, separators=(",", ":")).encode

def reply(token, obj):
    # A leading newline ends whatever partial line the code may have written to the pipe.
    _proto.write("\n" + token + " " + _encode_reply(obj) + "\n")
    _proto.flush()

def step_reply(token, rid, encoded, tagged, stdout, step, end, ms):
    """A chain node's success line, written without building its dict (one per node): what
    reply() would write, less the members the engine reads as absent (no tags, no output, not the end)."""
    _proto.write('\n%s {"id":%d,"ok":true,"output":%s,"step":%d,"ms":%r%s%s%s}\n' % (
        token, rid, _encode_reply(encoded), step, ms,
        ',"tagged":true' if tagged else "",
        ',"stdout":' + _encode_reply(stdout) if stdout else "",
        ',"end":true' if end else ""))
    _proto.flush()

compiled = {}
checked = set()
# What every node's code starts with, copied per node (one copy rather than a literal and a merge).
_BASE_ENV = {
    r: {"__builtins__": restricted_builtins if r else trusted_builtins, "__name__": "__kailash__", **PRELOADED[r]} for r in (True, False)
}

def run_code(token, rid, code, node, restricted, check, inputs, extra):
    """Runs one node's code and writes its reply; returns its output when it succeeded, else None."""
    captured = io.StringIO()
    real_stdout = sys.stdout
    filename = "<%s>" % node
    started = time.perf_counter()
    try:
        if (restricted or check) and code not in checked:
            check_safety(code, filename)
            checked.add(code)
        prog = compiled.get(code)
        if prog is None:
            prog = compile(code, filename, "exec")
            compiled[code] = prog
        env = _BASE_ENV[restricted].copy()
        env.update(inputs)
        sys.stdout = captured
        try:
            exec(prog, env)
        finally:
            sys.stdout = real_stdout
        if "result" in env:
            out = {"result": env["result"]}
        else:
            out = {k: v for k, v in env.items() if not k.startswith("_") and not _is_module(v) and not callable(v)}
        bad = []
        encoded = {}
        _tagged[0] = False
        for k, v in out.items():
            try:
                encoded[k] = _enc(v)
            except (TypeError, ValueError, RecursionError):
                bad.append(k)
        extra["ms"] = (time.perf_counter() - started) * 1000
        if "step" in extra:
            # A chain goes on after this node unless it is the last or it failed.
            extra["end"] = bool(bad) or extra["end"] or _stops(out)
            if not bad:
                printed = captured.getvalue()
                step_reply(token, rid, encoded, _tagged[0], _lines(printed) if printed else None, extra["step"], extra["end"], extra["ms"])
                return out
        if bad:
            reply(token, {"id": rid, "ok": False, "type": "NodeValidationError", "message": "Node outputs must be JSON-serializable. Failed keys: %r" % bad, "stdout": _lines(captured.getvalue()), **extra})
            return None
        reply(token, {"id": rid, "ok": True, "output": encoded, "tagged": _tagged[0], "stdout": _lines(captured.getvalue()), **extra})
        return out
    except BaseException as e:
        sys.stdout = real_stdout
        extra["ms"] = (time.perf_counter() - started) * 1000
        if "step" in extra:
            extra["end"] = True
        if isinstance(e, SafetyViolation):
            reply(token, {"id": rid, "ok": False, "type": "SafetyViolationError", "message": str(e), "traceback": "", "stdout": [], **extra})
            return None
        tb = _user_traceback(e, filename)
        reply(token, {"id": rid, "ok": False, "type": type(e).__name__, "message": str(e), "traceback": tb, "stdout": _lines(captured.getvalue()), **extra})
        return None

def _stops(out):
    """Whether the engine may judge this output a reported failure (success falsy in Python or in JavaScript)."""
    if "success" not in out:
        return False
    v = out["success"]
    try:
        return (not v) or v != v
    except Exception:
        return True

def run_chain(token, rid, steps):
    """A chain of nodes, each fed by the one before (the engine decides which and how, see
    runtime/engine/chains.ts): one reply line per node as it ends, no answer awaited; the first
    that fails, or may have reported failure, ends the chain (its line says "end")."""
    prev = None
    last = len(steps) - 1
    for i, s in enumerate(steps):
        # A member left out holds its default (python-worker.ts, WireStep).
        inputs = s.get("inputs")
        if inputs is None:
            inputs = {}
        if i:
            conn = {}
            for frm, to in s.get("connections", ()):
                if frm in prev:
                    v = prev[frm]
                    # A None never overwrites a value another connection set.
                    if v is None and conn.get(to) is not None:
                        continue
                    conn[to] = v
            fixed = s.get("fixed", ())
            for k, v in conn.items():
                if k not in fixed:
                    inputs[k] = v
        extra = {"step": i, "end": i == last}
        out = run_code(token, rid, s["code"], s["node"], s.get("sandbox") != "trusted", s.get("validateSecurity", False), inputs, extra)
        if extra["end"]:
            return
        prev = out

for line in _stdin:
    try:
        # A request whose inputs hold tags starts with "T" (most do not, and parse faster without the hook).
        req = json.loads(line[1:], object_hook=_dec) if line.startswith("T") else json.loads(line)
    except ValueError:
        continue
    if "chain" in req:
        run_chain(req["token"], req["id"], req["chain"])
        continue
    run_code(req["token"], req["id"], req["code"], req.get("node", "code"), req.get("sandbox") != "trusted", req.get("check"), req["inputs"], {})
`;
