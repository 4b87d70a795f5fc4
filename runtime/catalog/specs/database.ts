import type { NodeSpec } from '../types';

const md = (...lines: string[]): string => lines.join('\n');

/** Our `operations` extension, shared by both SQL nodes. */
const operationsParam: NodeSpec['params'][string] = {
  type: 'list',
  items: {
    type: 'dict',
    fields: {
      query: { type: 'str', description: 'SQL statement' },
      parameters: {
        type: 'Any',
        description: 'Its parameters (list for positional, dict for named)',
      },
    },
  },
  description: 'Statements run in one transaction, all-or-nothing (Kailash Workflows extension)',
  sql: true,
};

export const specs: NodeSpec[] = [
  {
    type: 'SQLDatabaseNode',
    category: 'database',
    origin: 'kailash',
    summary: 'Run a SQL statement over a pooled connection and return the rows',
    docs: md(
      'Runs `query` with `parameters` (dict → named `:name` binds; list → positional `?`, `$1` or `%s` placeholders) and returns `data`, `row_count`, `columns`, `execution_time`.',
      'Each statement runs in its own transaction; use `operations` (a Kailash Workflows extension) for several statements all-or-nothing. On MySQL/MariaDB, `operations` holding DDL or other statements that commit implicitly are refused before anything runs (PostgreSQL and SQLite keep DDL in the transaction). Values are JSON-safe: decimals → float, dates → ISO strings, bytes → base64.',
      '`connection_string` must be in `config` (Kailash fixes it at construction). A failing SQL node always **stops the run**, even as a leaf.',
      'Databases: `postgresql://…`, `mysql://…` (MariaDB too) or `sqlite:///data/app.db` (relative to the workflow file; `sqlite:////abs/path.db`, `sqlite:///:memory:`). SQLite runs in-process (WebAssembly) on the file itself with SQLite’s own locking and journal, so concurrent runs and processes of Kailash Workflows keep every committed write (other SQLite programs, Python’s included, do not see its lock: see SECURITY.md); one connection per real file (`rt.db` and `./rt.db` are one), and a database another process has locked is waited for up to `pool_timeout` seconds (or `connect_args: {timeout: S}`). Pools are shared per connection string and pool settings across nodes and runs: at most `pool_size + max_overflow` connections, a caller waits `pool_timeout` seconds for one.',
      '`optimistic_locking` is not supported yet: the node fails rather than ignore it.',
      '```yaml',
      'nodes:',
      '  - id: active_users',
      '    type: SQLDatabaseNode',
      '    config:',
      '      connection_string: ${env:DATABASE_URL}',
      '      query: SELECT id, name FROM users WHERE active = :active',
      '      parameters: {active: true}',
      '```',
    ),
    params: {
      connection_string: {
        type: 'str',
        description: "Database connection URL (e.g., 'sqlite:///path/to/db.db')",
        required: true,
        configOnly: true,
        mustExist: 'sqlite',
      },
      query: {
        type: 'str',
        description: 'SQL query to execute (use ? for SQLite, $1 for PostgreSQL, %s for MySQL)',
        sql: true,
      },
      parameters: {
        type: 'Any',
        description: 'Query parameters for parameterized queries (list for positional, dict for named)',
      },
      result_format: {
        type: 'str',
        description: "Result format: 'dict', 'list', or 'raw'",
        default: 'dict',
        enum: ['dict', 'list', 'raw'],
      },
      user_context: { type: 'Any', description: 'User context for access control' },
      optimistic_locking: {
        type: 'bool',
        description: 'Enable optimistic locking for updates',
        default: false,
      },
      version_field: {
        type: 'str',
        description: 'Name of the version field for optimistic locking',
        default: 'version',
      },
      expected_version: {
        type: 'int',
        description: 'Expected version for optimistic locking (required for updates with locking)',
      },
      conflict_resolution: {
        type: 'str',
        description: 'Conflict resolution strategy (fail_fast, retry, merge, last_writer_wins)',
        default: 'retry',
        enum: ['fail_fast', 'retry', 'merge', 'last_writer_wins'],
      },
      max_retries: {
        type: 'int',
        description: 'Maximum retry attempts for optimistic locking conflicts',
        default: 3,
      },
      operations: operationsParam,
      pool_size: {
        type: 'int',
        description: 'Connections kept open in the pool',
        default: 5,
        configOnly: true,
      },
      max_overflow: {
        type: 'int',
        description: 'Extra connections allowed beyond pool_size under load',
        default: 10,
        configOnly: true,
      },
      pool_timeout: {
        type: 'int',
        description: 'Seconds to wait for a free pooled connection',
        default: 30,
        configOnly: true,
      },
      pool_recycle: {
        type: 'int',
        description: 'Seconds after which a pooled connection is replaced',
        default: 3600,
        configOnly: true,
      },
      pool_pre_ping: {
        type: 'bool',
        description: 'Check each pooled connection is alive before using it',
        default: true,
        configOnly: true,
      },
      echo: {
        type: 'bool',
        description: 'Log every SQL statement executed',
        default: false,
        configOnly: true,
      },
      connect_args: {
        type: 'dict',
        description: 'Extra arguments passed to the database driver when connecting',
        configOnly: true,
      },
    },
    requireOneOf: [['query', 'operations']],
    outputs: {
      data: {
        type: 'list',
        items: { type: 'dict' },
        description:
          "Result rows: dicts (column → value) with result_format 'dict', lists with 'list'/'raw'; [] for statements that return no rows",
      },
      row_count: {
        type: 'int',
        description: 'Rows returned, or rows affected by INSERT/UPDATE/DELETE (0 when unknown)',
      },
      columns: { type: 'list', items: { type: 'str' }, description: 'Column names of the result' },
      execution_time: { type: 'float', description: 'Execution time in seconds' },
      results: {
        type: 'list',
        items: {
          type: 'dict',
          fields: {
            data: { type: 'list', description: 'Rows' },
            row_count: { type: 'int', description: 'Rows returned or affected' },
            columns: { type: 'list', items: { type: 'str' }, description: 'Column names' },
          },
        },
        description: "Each statement's result, in order (data, row_count and columns above are the last one's)",
        when: 'only with operations',
      },
      optimistic_locking_used: {
        type: 'bool',
        description: 'Whether optimistic locking was applied',
        when: 'only on the optimistic-locking UPDATE path',
      },
      version_before: {
        type: 'int',
        description: 'Row version before the update',
        when: 'only on the optimistic-locking UPDATE path',
      },
      version_after: {
        type: 'int',
        description: 'Row version after the update',
        when: 'only on the optimistic-locking UPDATE path',
      },
      retry_count: {
        type: 'int',
        description: 'Retries needed to resolve version conflicts',
        when: 'only on the optimistic-locking UPDATE path',
      },
    },
  },
  {
    type: 'AsyncSQLDatabaseNode',
    category: 'database',
    origin: 'kailash',
    summary: 'Run a SQL query on PostgreSQL, MySQL or SQLite (async); output nested under `result`',
    docs: md(
      'Async SQL node with pooling, retries and query validation. **Everything is nested under `result`**: connect `result.data` for the rows (`result.row_count`, `result.columns` likewise).',
      '`fetch_mode: one` gives a single dict (or null) in `data`; DML without RETURNING gives `[{rows_affected: n}]` (row_count 1). `database_type` is auto-detected from `connection_string` when left at `postgresql`.',
      'With `validate_queries` (default) it rejects `;`-chained statements, SQL comments, `UNION … SELECT` and, unless `allow_admin`, DDL such as CREATE/DROP/TRUNCATE. A failing SQL node always **stops the run**.',
      "`timeout` cancels the query on the server (it is also the longest wait for a pooled connection); `operations` run in one transaction unless `transaction_mode: none` (`true` and `false` mean `auto` and `none`). The pool opens at most `max_pool_size` connections, or `pool_size + max_overflow` when `max_overflow` is given. Not supported: `connection_name`/`config_file` (give `connection_string`), `enable_optimistic_locking`; `max_retries`/`retry_delay` are not applied (use the node's `retry` policy).",
      '```yaml',
      'nodes:',
      '  - id: orders',
      '    type: AsyncSQLDatabaseNode',
      '    config:',
      '      connection_string: ${env:DATABASE_URL}',
      '      query: SELECT * FROM orders WHERE customer_id = :customer_id',
      '      params: {customer_id: 7}',
      '```',
    ),
    params: {
      database_type: {
        type: 'str',
        description: 'Type of database: postgresql, mysql, or sqlite',
        default: 'postgresql',
        enum: ['postgresql', 'mysql', 'sqlite'],
      },
      connection_string: {
        type: 'str',
        description: 'Full database connection string (overrides individual params)',
        mustExist: 'sqlite',
      },
      connection_name: {
        type: 'str',
        description: 'Name of database connection from config file',
      },
      config_file: {
        type: 'str',
        description: 'Path to YAML configuration file (default: database.yaml)',
      },
      host: { type: 'str', description: 'Database host' },
      port: { type: 'int', description: 'Database port' },
      database: { type: 'str', description: 'Database name' },
      user: { type: 'str', description: 'Database user' },
      password: { type: 'str', description: 'Database password', secret: true },
      query: { type: 'str', description: 'SQL query to execute', sql: true },
      params: {
        type: 'Any',
        description: 'Query parameters as dict or tuple (also read as `parameters`, the name SQLDatabaseNode uses)',
        aliases: ['parameters'],
      },
      fetch_mode: {
        type: 'str',
        description: 'Fetch mode: one, all, many',
        default: 'all',
        enum: ['one', 'all', 'many'],
      },
      fetch_size: { type: 'int', description: "Number of rows to fetch in 'many' mode" },
      pool_size: { type: 'int', description: 'Initial connection pool size', default: 10 },
      max_pool_size: { type: 'int', description: 'Maximum connection pool size', default: 20 },
      max_overflow: {
        type: 'int',
        description:
          'Connections allowed beyond pool_size under load (at most pool_size + max_overflow open; overrides max_pool_size; Kailash Workflows extension)',
        minimum: 0,
      },
      timeout: { type: 'float', description: 'Query timeout in seconds', default: 60.0 },
      user_context: { type: 'Any', description: 'User context for access control' },
      transaction_mode: {
        type: 'Any',
        description: "Transaction mode: 'auto' (default), 'manual', or 'none'; `true` means 'auto' (all-or-nothing) and `false` 'none'",
        default: 'auto',
        enum: ['auto', 'manual', 'none', true, false],
      },
      share_pool: {
        type: 'bool',
        description: 'Whether to share connection pool across instances with same config',
        default: true,
      },
      validate_queries: {
        type: 'bool',
        description: 'Whether to validate queries for SQL injection attempts',
        default: true,
      },
      allow_admin: {
        type: 'bool',
        description: 'Allow administrative operations (USE WITH CAUTION)',
        default: false,
      },
      enable_analytics: {
        type: 'bool',
        description: 'Enable connection pool analytics and monitoring',
        default: true,
      },
      enable_adaptive_sizing: {
        type: 'bool',
        description: 'Enable adaptive connection pool sizing',
        default: true,
      },
      health_check_interval: {
        type: 'int',
        description: 'Health check interval in seconds',
        default: 30,
      },
      min_pool_size: { type: 'int', description: 'Minimum connection pool size', default: 5 },
      circuit_breaker_enabled: {
        type: 'bool',
        description: 'Enable circuit breaker for connection failure protection',
        default: true,
      },
      parameter_types: {
        type: 'dict',
        description: "Optional PostgreSQL type hints for parameters (e.g., {'role_id': 'text', 'metadata': 'jsonb'})",
      },
      retry_config: {
        type: 'Any',
        description: 'Retry configuration dict or RetryConfig object',
      },
      max_retries: {
        type: 'int',
        description: 'Maximum number of retry attempts for transient failures',
        default: 3,
      },
      retry_delay: { type: 'float', description: 'Initial retry delay in seconds', default: 1.0 },
      enable_optimistic_locking: {
        type: 'bool',
        description: 'Enable optimistic locking for version control',
        default: false,
      },
      version_field: {
        type: 'str',
        description: 'Column name for version tracking',
        default: 'version',
      },
      conflict_resolution: {
        type: 'str',
        description: 'How to handle version conflicts: fail_fast, retry, last_writer_wins',
        default: 'fail_fast',
        enum: ['fail_fast', 'retry', 'last_writer_wins'],
      },
      version_retry_attempts: {
        type: 'int',
        description: 'Maximum retries for version conflicts',
        default: 3,
      },
      result_format: {
        type: 'str',
        description: "Result format: 'dict' (default), 'list', or 'dataframe'",
        default: 'dict',
        enum: ['dict', 'list', 'dataframe'],
      },
      operations: operationsParam,
    },
    requireOneOf: [['query', 'operations']],
    outputs: {
      result: {
        type: 'dict',
        description: 'The query result; connect `result.data` for the rows',
        fields: {
          data: {
            type: 'Any',
            description:
              "Rows: list of dicts (fetch_mode 'all'), one dict or null ('one'), the first fetch_size rows ('many'); [{rows_affected: n}] for DML",
          },
          row_count: { type: 'int', description: 'Number of rows in data' },
          query: { type: 'str', description: 'The SQL actually executed (after placeholder rewriting)' },
          database_type: { type: 'str', description: 'postgresql, mysql or sqlite' },
          format: { type: 'str', description: 'The result_format used: dict, list or dataframe' },
          columns: {
            type: 'list',
            items: { type: 'str' },
            description: "Column names (only when result_format is 'list')",
          },
          results: {
            type: 'list',
            items: { type: 'dict' },
            description: "Each statement's result (data, row_count, query, …), in order; only with operations",
          },
        },
      },
    },
  },
];
