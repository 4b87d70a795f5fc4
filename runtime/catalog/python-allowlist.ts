/**
 * Kailash's PythonCodeNode allow-lists (kailash.nodes.code.common in the Python SDK: the
 * common modules plus the synchronous node's extras, and its builtins), as data. The Python
 * worker enforces them and pre-binds every listed module that is installed, as Kailash does
 * (`math.sqrt(81)` works without `import`); editor checks read the same list. No imports here:
 * the language server reads this file without the node runtimes.
 */

/** Importable in `sandbox_mode: restricted` (the first dotted part of a module name is checked). */
export const PYTHON_ALLOWED_MODULES: readonly string[] = [
  'array', 'base64', 'cachetools', 'collections', 'copy', 'csv', 'dataclasses', 'datetime', 'enum',
  'functools', 'glob', 'hashlib', 'hmac', 'io', 'itertools', 'json', 'logging', 'math', 'matplotlib',
  'mimetypes', 'msgpack', 'numpy', 'os', 'pandas', 'pathlib', 'pickle', 'plotly', 'prometheus_client',
  'random', 'ratelimit', 're', 'scipy', 'seaborn', 'secrets', 'sklearn', 'statistics', 'string',
  'structlog', 'tempfile', 'tenacity', 'time', 'toml', 'types', 'typing', 'uuid', 'xml', 'yaml',
];

/** The builtins restricted code sees (Kailash's list: no `object`, no class statements, no `eval`). */
export const PYTHON_ALLOWED_BUILTINS: readonly string[] = [
  'bool', 'int', 'float', 'str', 'list', 'dict', 'set', 'tuple', 'frozenset', 'bytes', 'bytearray',
  'complex', 'len', 'range', 'enumerate', 'zip', 'map', 'filter', 'reversed', 'iter', 'next',
  'sorted', 'sum', 'min', 'max', 'all', 'any', 'abs', 'round', 'divmod', 'pow', 'hex', 'oct', 'bin',
  'format', 'ord', 'chr', 'repr', 'isinstance', 'hasattr', 'getattr', 'type', 'callable', 'hash',
  'vars', 'print', '__import__', 'Exception', 'ValueError', 'TypeError', 'KeyError', 'NameError',
  'AttributeError', 'IndexError', 'RuntimeError', 'StopIteration', 'ImportError', 'OSError',
  'IOError', 'FileNotFoundError', 'ZeroDivisionError', 'ArithmeticError', 'AssertionError',
  'ConnectionError', 'open',
];
