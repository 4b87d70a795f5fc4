/**
 * PythonCodeNode's allow-list as data: the top-level modules `sandbox_mode: restricted` lets code
 * import. The Python worker enforces the same set; the editor's import check reads this list. No
 * imports here: the language server reads this file without the node runtimes.
 */

/** Importable in `sandbox_mode: restricted` (the first dotted part of a module name is checked). */
export const PYTHON_ALLOWED_MODULES: readonly string[] = [
  'math', 'statistics', 'datetime', 'json', 'random', 'itertools', 'collections', 'functools',
  'string', 'time', 're', 'enum', 'dataclasses', 'typing', 'types', 'copy', 'uuid', 'hashlib',
  'hmac', 'secrets', 'base64', 'pandas', 'numpy', 'scipy', 'sklearn', 'pathlib', 'os', 'csv',
  'mimetypes', 'glob', 'xml', 'tempfile', 'logging', 'io', 'decimal', 'fractions', 'operator',
  'textwrap', 'heapq', 'bisect', 'array', 'zoneinfo', 'calendar', 'html', 'urllib', 'pprint',
];
