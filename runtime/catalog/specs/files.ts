import type { NodeSpec } from '../types';

const md = (...lines: string[]): string => lines.join('\n');

const PATH_NOTE =
  'Relative paths resolve against the workflow file; a path containing `..` or under a system folder (`/etc`, `/var`, `/usr`, …) is rejected, as in Kailash.';

const example = (id: string, type: string, config: string[]): string =>
  md('```yaml', 'nodes:', `  - id: ${id}`, `    type: ${type}`, '    config:', ...config.map((l) => `      ${l}`), '```');

/** One entry of DirectoryReaderNode's file lists. */
const fileInfo: NodeSpec['outputs'][string]['items'] = {
  type: 'dict',
  fields: {
    file_path: { type: 'str', description: 'Full path of the file' },
    file_name: { type: 'str', description: 'File name' },
    file_type: {
      type: 'str',
      description: 'Kind from the extension: csv, json, txt, xml, markdown, python, … or unknown',
    },
    file_extension: { type: 'str', description: 'Extension, with the dot' },
    file_size: { type: 'int', description: 'Size in bytes (with include_metadata)' },
    mime_type: { type: 'str', description: 'Guessed MIME type (with include_metadata)' },
    created_time: { type: 'str', description: 'Creation time, ISO 8601 (with include_metadata)' },
    modified_time: { type: 'str', description: 'Last modification time, ISO 8601 (with include_metadata)' },
    discovered_at: { type: 'str', description: 'When the scan found it, ISO 8601 (with include_metadata)' },
  },
};

export const specs: NodeSpec[] = [
  {
    type: 'DirectoryReaderNode',
    category: 'files',
    origin: 'kailash',
    summary: 'List the files in a directory, with their type, size and times',
    docs: md(
      'Scans `directory_path` (and subfolders when `recursive`) and returns every file found, grouped by type, plus statistics.',
      '`file_patterns` / `exclude_patterns` are globs on the file name (exclude wins); `file_pattern` adds one more glob. Hidden files are skipped unless `include_hidden`.',
      "`file_paths` lists just the paths (connect it where a list of file names is wanted); `include_metadata: false` leaves size, MIME type and times out of each file's info. Both are Kailash Workflows extensions.",
      PATH_NOTE,
      example('inbox', 'DirectoryReaderNode', ['directory_path: data/inbox', "file_patterns: ['*.csv', '*.json']"]),
    ),
    params: {
      directory_path: { type: 'str', description: 'Path to the directory to scan', required: true, mustExist: 'directory' },
      recursive: {
        type: 'bool',
        description: 'Whether to scan subdirectories recursively',
        default: false,
      },
      file_patterns: {
        type: 'list',
        items: { type: 'str' },
        description: "List of file patterns to include (e.g., ['*.csv', '*.json'])",
        default: [],
      },
      file_pattern: {
        type: 'str',
        description: "One file pattern to include (e.g., '*.csv'), added to file_patterns (Kailash Workflows extension)",
      },
      exclude_patterns: {
        type: 'list',
        items: { type: 'str' },
        description: 'List of file patterns to exclude',
        default: [],
      },
      include_hidden: {
        type: 'bool',
        description: 'Whether to include hidden files (starting with .)',
        default: false,
      },
      include_metadata: {
        type: 'bool',
        description:
          'Give each file its size, MIME type and times; false keeps path, name, type and extension only (Kailash Workflows extension)',
        default: true,
      },
    },
    outputs: {
      discovered_files: {
        type: 'list',
        items: fileInfo,
        description: 'Every file found',
      },
      file_paths: {
        type: 'list',
        items: { type: 'str' },
        description: 'The full path of every file found, in the same order (Kailash Workflows extension)',
      },
      files_by_type: {
        type: 'dict',
        description: 'The same files grouped by file_type (file_type → list of file info)',
      },
      directory_stats: {
        type: 'dict',
        description: 'Scan statistics',
        fields: {
          total_files: { type: 'int', description: 'Number of files found' },
          file_types: { type: 'list', items: { type: 'str' }, description: 'File types found' },
          files_by_type_count: { type: 'dict', description: 'file_type → number of files' },
          total_size: { type: 'int', description: 'Total size in bytes' },
          scan_time: { type: 'str', description: 'When the scan ran (ISO 8601)' },
          directory_path: { type: 'str', description: 'The directory scanned' },
          recursive: { type: 'bool', description: 'Whether subdirectories were scanned' },
        },
      },
    },
  },
  {
    type: 'CSVReaderNode',
    category: 'files',
    origin: 'kailash',
    summary: 'Read a CSV file into a list of rows',
    docs: md(
      'Reads a UTF-8 CSV file. With `headers` (default) each row is a dict keyed by the header row, otherwise a list.',
      "All values are **strings** — there is no type inference. With `index_column`, `data_indexed` maps that column's value to its row.",
      PATH_NOTE,
      example('load_customers', 'CSVReaderNode', ['file_path: data/customers.csv']),
    ),
    params: {
      file_path: { type: 'str', description: 'Path to the CSV file to read', required: true, mustExist: 'file' },
      headers: { type: 'bool', description: 'Whether the CSV has headers', default: true },
      delimiter: { type: 'str', description: 'CSV delimiter character', default: ',' },
      index_column: {
        type: 'str',
        description: 'Column to use as index for creating a dictionary',
      },
    },
    outputs: {
      data: {
        type: 'list',
        items: { type: 'dict' },
        description: 'The rows: dicts of strings (column → value) with headers, lists of strings without',
      },
      data_indexed: {
        type: 'dict',
        description: 'Rows keyed by the value of index_column',
        when: 'only when index_column is set',
      },
    },
  },
  {
    type: 'CSVWriterNode',
    category: 'files',
    origin: 'kailash',
    summary: 'Write a list of rows to a CSV file',
    docs: md(
      "Writes a list of dicts (header row from the first row's keys) or a list of lists to `file_path`.",
      'Kailash declares `headers` as a bool although it means column names, so in practice headers are auto-detected. Empty `data` writes nothing and returns `rows_written: 0`.',
      PATH_NOTE,
      example('save_report', 'CSVWriterNode', ['file_path: out/report.csv']),
    ),
    params: {
      file_path: { type: 'str', description: 'Path to write the CSV file', required: true },
      data: { type: 'list', description: 'Data to write (list of dicts or lists)' },
      headers: { type: 'bool', description: 'Column headers (auto-detected if not provided)' },
      delimiter: { type: 'str', description: 'CSV delimiter character', default: ',' },
    },
    outputs: {
      rows_written: { type: 'int', description: 'Number of data rows written' },
      file_path: {
        type: 'str',
        description: 'Path of the written file',
        when: 'absent when data is empty',
      },
    },
  },
  {
    type: 'JSONReaderNode',
    category: 'files',
    origin: 'kailash',
    summary: 'Read and parse a JSON file',
    docs: md(
      'Reads a UTF-8 JSON file and returns the parsed value as `data`.',
      PATH_NOTE,
      example('load_config', 'JSONReaderNode', ['file_path: data/config.json']),
    ),
    params: {
      file_path: { type: 'str', description: 'Path to the JSON file to read', required: true, mustExist: 'file' },
    },
    outputs: {
      data: { type: 'Any', description: 'The parsed JSON value' },
    },
  },
  {
    type: 'JSONWriterNode',
    category: 'files',
    origin: 'kailash',
    summary: 'Write a value to a JSON file',
    docs: md(
      'Writes `data` as pretty-printed JSON (`indent` spaces, non-ASCII kept as is).',
      'Kailash declares `data` optional but fails when it is absent, so it is required here.',
      PATH_NOTE,
      example('save_users', 'JSONWriterNode', ['file_path: out/users.json   # data arrives by a connection', 'indent: 2']),
    ),
    params: {
      file_path: { type: 'str', description: 'Path to write the JSON file', required: true },
      data: {
        type: 'Any',
        description: 'Data to write (must be JSON-serializable)',
        required: true,
      },
      indent: { type: 'int', description: 'Indentation level for pretty printing', default: 2 },
    },
    outputs: {
      file_path: { type: 'str', description: 'Path of the written file' },
    },
  },
  {
    type: 'TextReaderNode',
    category: 'files',
    origin: 'kailash',
    summary: 'Read a text file',
    docs: md(
      'Reads the whole file as `text` in the given `encoding`.',
      PATH_NOTE,
      example('read_template', 'TextReaderNode', ['file_path: templates/email.txt']),
    ),
    params: {
      file_path: { type: 'str', description: 'Path to the text file to read', required: true, mustExist: 'file' },
      encoding: { type: 'str', description: 'File encoding', default: 'utf-8' },
    },
    outputs: {
      text: { type: 'str', description: 'The file contents' },
    },
  },
  {
    type: 'TextWriterNode',
    category: 'files',
    origin: 'kailash',
    summary: 'Write or append text to a file',
    docs: md(
      'Writes `text` to `file_path` (appending when `append`) and returns the number of bytes written.',
      PATH_NOTE,
      example('write_log', 'TextWriterNode', ['file_path: out/run.log', 'text: "sync finished"', 'append: true']),
    ),
    params: {
      file_path: { type: 'str', description: 'Path to write the text file', required: true },
      text: { type: 'str', description: 'Text to write', required: true },
      encoding: { type: 'str', description: 'File encoding', default: 'utf-8' },
      append: { type: 'bool', description: 'Whether to append to existing file', default: false },
    },
    outputs: {
      file_path: { type: 'str', description: 'Path of the written file' },
      bytes_written: { type: 'int', description: 'Number of bytes written' },
    },
  },
];
