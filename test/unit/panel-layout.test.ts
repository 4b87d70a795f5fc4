import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { edgeLabel, edgePath, fit, layoutGraph, neighbourhood, NODE_H, NODE_W, zoomAt } from '../../client/webview/graph-layout';
import type { PanelGraph } from '../../client/common/panel';

const edge = (from: string, to: string, extra: Partial<PanelGraph['edges'][number]> = {}) => ({
  from,
  to,
  fromOutput: 'data',
  toInput: 'data',
  label: 'data → data',
  cycle: false,
  ...extra,
});
const graph = (ids: string[], edges: PanelGraph['edges']): PanelGraph => ({
  file: 'f',
  name: 'g',
  nodes: ids.map((id) => ({ id, type: 'MergeNode' })),
  edges,
});

describe('graph layout', () => {
  it('lays a directed graph out left to right, each edge with points and a label place, parallel edges apart', () => {
    const g = graph(
      ['a', 'b', 'c'],
      [edge('a', 'b'), edge('b', 'c'), edge('a', 'c', { fromOutput: 'x', label: 'x → data' }), edge('a', 'c')],
    );
    const l = layoutGraph(g);
    const at = new Map(l.nodes.map((n) => [n.id, n]));
    assert.ok(at.get('a')!.x < at.get('b')!.x && at.get('b')!.x < at.get('c')!.x, 'ranks go left to right');
    assert.equal(l.edges.length, 4);
    assert.deepEqual(l.edges.map((e) => e.index).sort(), [0, 1, 2, 3]);
    for (const e of l.edges) assert.ok(e.points.length >= 2);
    for (const n of l.nodes) assert.ok(n.x >= 0 && n.y >= 0 && n.x + NODE_W <= l.width && n.y + NODE_H <= l.height, 'inside the drawing');
    assert.equal(edgeLabel({ ...edge('s', 't'), case: 'gold', label: 'case_gold → data' }), 'gold: case_gold → data');
  });

  it('draws cycles and self-loops without throwing', () => {
    const l = layoutGraph(graph(['a', 'b'], [edge('a', 'b'), edge('b', 'a', { cycle: true }), edge('b', 'b', { cycle: true })]));
    assert.equal(l.edges.length, 3);
  });

  it('lays out only the given nodes, and a neighbourhood is bounded', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `n${i}`);
    const g = graph(
      ids,
      ids.slice(1).map((id, i) => edge(ids[i]!, id)),
    );
    assert.deepEqual([...neighbourhood(g, 'n10', 2)].sort(), ['n10', 'n11', 'n12', 'n8', 'n9']);
    assert.equal(neighbourhood(g, 'n10', 40, 7).size, 7);
    const l = layoutGraph(g, neighbourhood(g, 'n10', 1));
    assert.deepEqual(l.nodes.map((n) => n.id).sort(), ['n10', 'n11', 'n9']);
    assert.equal(l.edges.length, 2);
  });
});

describe('fitting, zooming', () => {
  it('fits a wide drawing into a half-width box, centred, and never enlarges a small one', () => {
    const v = fit(1200, 300, 400, 300);
    assert.ok(v.k * 1200 <= 400 - 24 + 1e-9, 'nothing is cut off');
    assert.ok(Math.abs(v.x - (400 - 1200 * v.k) / 2) < 1e-9);
    assert.ok(v.y > 0);
    assert.equal(fit(100, 50, 800, 400).k, 1);
  });

  it('zooms about the pointer: the point under it stays put; scale is bounded', () => {
    const v = { k: 1, x: 10, y: 20 };
    const z = zoomAt(v, 2, 110, 70);
    // The drawing point under (110, 70) was (100, 50); it still is.
    assert.deepEqual([(110 - z.x) / z.k, (70 - z.y) / z.k], [100, 50]);
    assert.equal(zoomAt(v, 1000, 0, 0).k, 3);
    assert.equal(zoomAt(v, 0.0001, 0, 0).k, 0.1);
  });

  it('edge paths start and end at the first and last points', () => {
    assert.equal(
      edgePath([
        { x: 0, y: 0 },
        { x: 10, y: 5 },
      ]),
      'M0,0L10,5',
    );
    const d = edgePath([
      { x: 0, y: 0 },
      { x: 5, y: 5 },
      { x: 10, y: 0 },
    ]);
    assert.match(d, /^M0,0Q5,5 10,0$/);
  });
});
