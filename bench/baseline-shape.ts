/**
 * A workflow shaped like the one yaml-language-server was measured on in
 * The baseline file shape: 2,000 nodes of 4 lines (`id`, `type`, `config`, one param),
 * HTTPRequestNode and JSONReaderNode alternating, 1,000 full-form connections, joined with `\n`
 * and no trailing newline: 9,003 lines, node `n1001`'s `url` on line index 4009.
 */
export function baselineShape(n: number): string {
  const lines = ['name: yls-baseline-shape', 'nodes:'];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 1) lines.push(`  - id: n${i}`, '    type: HTTPRequestNode', '    config:', `      url: https://example.com/${i}`);
    else lines.push(`  - id: n${i}`, '    type: JSONReaderNode', '    config:', `      file_path: /data/${i}.json`);
  }
  lines.push('connections:');
  for (let i = 0; i + 1 < n; i += 2) lines.push(`  - {from_node: n${i}, from_output: data, to_node: n${i + 1}, to_input: data}`);
  return lines.join('\n');
}
