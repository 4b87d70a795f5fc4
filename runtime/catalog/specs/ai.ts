import type { NodeSpec } from '../types';

const md = (...lines: string[]): string => lines.join('\n');

export const specs: NodeSpec[] = [
  {
    type: 'LLMAgentNode',
    category: 'ai',
    origin: 'kailash',
    summary: 'Ask a large language model (OpenAI, Anthropic, Azure, local or mock)',
    docs: md(
      'Sends `messages` (OpenAI format, after `system_prompt`, then `prompt` as a user message) to `model` at `provider` and returns the reply in `response`: connect **`response.content`** for the text.',
      'Runs against any OpenAI-compatible `/chat/completions` endpoint: `base_url` (default per provider: openai → https://api.openai.com/v1, local → Ollama at http://127.0.0.1:11434/v1; anthropic and azure need `base_url`), `api_key` (else `OPENAI_API_KEY` for openai); `generation_config` (temperature, max_tokens, top_p …) is passed through.',
      '`usage` reports tokens (and `estimated_cost_usd` with `custom_pricing` per 1K tokens). Tool calls the model asks for are returned in `response.tool_calls`, not executed. `provider: mock` gives deterministic offline replies.',
      '429, 5xx and transport failures are retried `max_retries` times (honouring Retry-After) and then fail retryably.',
      'A provider error returns `success: false` with `error`, which **stops the run** (Kailash content-aware success detection). Kailash registers this node from the `kailash-kaizen` package.',
      '```yaml',
      'nodes:',
      '  - id: summarize',
      '    type: LLMAgentNode',
      '    config:',
      '      provider: openai',
      '      model: gpt-4o-mini',
      '      system_prompt: Summarize the input in one sentence.',
      '      api_key: ${secret:OPENAI_API_KEY}',
      '```',
    ),
    params: {
      provider: {
        type: 'str',
        description: 'LLM provider: openai, anthropic, azure, local, or mock',
        enum: ['openai', 'anthropic', 'azure', 'local', 'mock'],
      },
      model: {
        type: 'str',
        description: 'Model name (e.g., gpt-4o-mini, claude-3-sonnet, gpt-4-turbo)',
        default: 'gpt-4o-mini',
      },
      messages: {
        type: 'list',
        items: {
          type: 'dict',
          fields: {
            role: { type: 'str', description: 'system, user, assistant or tool' },
            content: { type: 'Any', description: 'Message text (or content parts)' },
          },
          open: true,
        },
        description: 'Conversation messages in OpenAI format',
        default: [],
      },
      system_prompt: { type: 'str', description: 'System prompt to guide agent behavior' },
      prompt: {
        type: 'str',
        description: 'A user message appended after `messages` (Kailash Workflows extension; the Python SDK ignores it)',
      },
      tools: { type: 'list', description: 'Available tools for agent to call', default: [] },
      conversation_id: {
        type: 'str',
        description: 'Unique ID for conversation memory persistence',
      },
      memory_config: {
        type: 'dict',
        description: 'Memory configuration (type, max_tokens, persistence)',
        default: {},
      },
      mcp_servers: {
        type: 'list',
        description: 'MCP server configurations for context retrieval',
        default: [],
      },
      mcp_context: {
        type: 'list',
        items: { type: 'str' },
        description: 'MCP resource URIs to include as context',
        default: [],
      },
      auto_discover_tools: {
        type: 'bool',
        description: 'Automatically discover and use MCP tools',
        default: false,
      },
      rag_config: {
        type: 'dict',
        description: 'RAG configuration (enabled, top_k, threshold, embeddings)',
        default: {},
      },
      generation_config: {
        type: 'dict',
        description: 'Generation parameters (temperature, max_tokens, top_p)',
        default: {},
      },
      streaming: { type: 'bool', description: 'Enable streaming responses', default: false },
      timeout: { type: 'int', description: 'Request timeout in seconds', default: 120 },
      max_retries: {
        type: 'int',
        description: 'Maximum retry attempts for failed requests',
        default: 3,
      },
      ungoverned: {
        type: 'bool',
        description: "Opt out of the KAILASH_GOVERNANCE_REQUIRED posture gate for this node's egress",
        default: false,
      },
      enable_monitoring: {
        type: 'bool',
        description: 'Enable token usage tracking and cost monitoring',
        default: false,
      },
      budget_limit: {
        type: 'float',
        description: 'Maximum spend allowed in USD (None = unlimited)',
      },
      alert_threshold: {
        type: 'float',
        description: 'Alert when usage reaches this fraction of budget',
        default: 0.8,
      },
      track_history: {
        type: 'bool',
        description: 'Whether to keep usage history for analytics',
        default: true,
      },
      custom_pricing: {
        type: 'dict',
        description: 'Override default model pricing (per 1K tokens)',
      },
      auto_execute_tools: {
        type: 'bool',
        description: 'Automatically execute tool calls from LLM',
        default: true,
      },
      tool_execution_config: {
        type: 'dict',
        description: 'Configuration for tool execution behavior',
        default: {},
      },
      use_real_mcp: {
        type: 'bool',
        description: 'Use real MCP tool execution instead of mock execution',
        default: true,
      },
      response_format: {
        type: 'dict',
        description: 'Structured output config (json_object or json_schema). Set via BaseAgentConfig.response_format.',
        default: {},
      },
      provider_config: {
        type: 'dict',
        description: 'Provider-specific settings (e.g., api_version, deployment).',
        default: {},
      },
      api_key: {
        type: 'str',
        description: 'Per-request API key override for BYOK multi-tenant scenarios',
        secret: true,
      },
      base_url: {
        type: 'str',
        description: 'Per-request base URL override (e.g., for proxy or custom endpoint)',
      },
      credential_ref: {
        type: 'str',
        description:
          'Reference ID into the runtime CredentialStore (BYOK). Set by WorkflowGenerator when api_key/base_url were provided on BaseAgentConfig; resolved at execution time to a non-serializable Credential. Never contains the credential value itself.',
      },
    },
    outputs: {
      success: { type: 'bool', description: 'Whether the model call succeeded' },
      response: {
        type: 'dict',
        description: "The model's reply; connect `response.content` for the text",
        when: 'only on success',
        fields: {
          id: { type: 'str', description: 'Response ID' },
          content: { type: 'str', description: 'The reply text' },
          role: { type: 'str', description: 'Always "assistant"' },
          model: { type: 'str', description: 'Model that answered' },
          tool_calls: {
            type: 'list',
            items: { type: 'dict' },
            description: 'Tool calls requested by the model',
          },
          finish_reason: { type: 'str', description: '"stop" or "tool_calls"' },
          usage: { type: 'dict', description: 'Token counts reported by the provider' },
        },
        open: true,
      },
      conversation_id: { type: 'str', description: 'The conversation ID (null if none)' },
      usage: {
        type: 'dict',
        description: 'Token usage and estimated cost (plus a monitoring section when enable_monitoring)',
        when: 'only on success',
        fields: {
          prompt_tokens: { type: 'int', description: 'Tokens in the prompt' },
          completion_tokens: { type: 'int', description: 'Tokens in the reply' },
          total_tokens: { type: 'int', description: 'prompt_tokens + completion_tokens' },
          estimated_cost_usd: { type: 'float', description: 'Estimated cost in USD' },
        },
        open: true,
      },
      context: {
        type: 'dict',
        description: 'What context went into the call',
        when: 'only on success',
        fields: {
          mcp_resources_used: { type: 'int', description: 'Number of MCP resources included' },
          rag_documents_retrieved: { type: 'int', description: 'Number of RAG documents retrieved' },
          tools_available: { type: 'int', description: 'Number of tools offered to the model' },
          tools_executed: { type: 'int', description: 'Rounds of tool execution' },
          memory_tokens: { type: 'int', description: 'Tokens of conversation memory included' },
        },
      },
      metadata: {
        type: 'dict',
        description: 'Call metadata',
        when: 'only on success',
        fields: {
          provider: { type: 'str', description: 'Provider used' },
          model: { type: 'str', description: 'Model used' },
          langchain_used: { type: 'bool', description: 'Whether LangChain was used' },
          streaming: { type: 'bool', description: 'Whether the reply was streamed' },
          generation_config: { type: 'dict', description: 'Generation parameters used' },
        },
      },
      error: {
        type: 'str',
        description: 'Error message (sanitized)',
        when: 'only when success is false',
      },
      error_type: {
        type: 'str',
        description: 'Exception type of the failure',
        when: 'only when success is false',
      },
      recovery_suggestions: {
        type: 'list',
        items: { type: 'str' },
        description: 'Hints on how to fix the failure',
        when: 'only when success is false',
      },
    },
  },
];
