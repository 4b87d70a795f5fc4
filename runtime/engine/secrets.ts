/** Where `${secret:NAME}` values come from: env vars for the CLI, SecretStorage in VS Code. */
export interface SecretProvider {
  get(name: string): Promise<string | undefined>;
}

/** `KAILASH_SECRET_<NAME>` environment variables (Kailash's EnvironmentSecretProvider prefix). */
export class EnvSecretProvider implements SecretProvider {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(name: string): Promise<string | undefined> {
    return this.env[`KAILASH_SECRET_${name}`];
  }
}

export const REDACTED = '***';

/** Replaces every known secret value, wherever it appears in a value, with `***`. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string): void {
    // Very short values would redact ordinary text; they are not credentials anyway.
    if (value.length >= 4) this.secrets.add(value);
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  value<T>(v: T): T {
    if (this.secrets.size === 0) return v;
    return this.walk(v, 0) as T;
  }

  private walk(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.text(v);
    if (depth > 100 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => this.walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.walk(x, depth + 1);
    return out;
  }
}
