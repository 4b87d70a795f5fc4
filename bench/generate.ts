/** A valid workflow of `n` nodes (about 7.5 lines per node), like the yaml-language-server baseline's. */
export function generateWorkflow(n: number): string {
  const lines = [`name: bench-${n}`, 'description: generated for benchmarks', 'nodes:'];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      lines.push(
        `  - id: fetch_${i}`,
        '    type: HTTPRequestNode',
        '    config:',
        `      url: https://example.com/${i}`,
        '      method: GET',
        '      headers: {Accept: application/json}',
        '      timeout: 30',
        '    retry: {max_attempts: 3, strategy: exponential}',
      );
    } else {
      lines.push(`  - id: save_${i}`, '    type: JSONWriterNode', '    config:', `      file_path: out/${i}.json`, '      indent: 2');
    }
  }
  lines.push('connections:');
  for (let i = 1; i < n; i++) {
    if (i % 2 === 1) lines.push(`  - {from_node: fetch_${i - 1}, from_output: response.content, to_node: save_${i}, to_input: data}`);
    else lines.push(`  - {from_node: save_${i - 1}, from_output: file_path, to_node: fetch_${i}, to_input: url}`);
  }
  return lines.join('\n');
}
