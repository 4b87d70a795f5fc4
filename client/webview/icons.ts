import { svg } from './dom';

/**
 * One 16×16 outline glyph per catalog category, drawn inline (the page's CSP loads no fonts or
 * images from elsewhere). Paths use `currentColor` through CSS.
 */
const PATHS: Record<string, string> = {
  // globe
  api: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM1.5 8h13M8 1.5c2 2 2.6 4.2 2.6 6.5S10 12.5 8 14.5M8 1.5C6 3.5 5.4 5.7 5.4 8S6 12.5 8 14.5',
  // key
  auth: 'M10.5 1.5a4 4 0 1 1-3.6 5.8L1.5 12.7v1.8h2.2v-1.6h1.6v-1.6h1.6l1.2-1.2A4 4 0 0 1 10.5 1.5ZM11.5 4.5h.01',
  // table
  data: 'M1.5 2.5h13v11h-13ZM1.5 6h13M1.5 9.5h13M6 2.5v11',
  // cylinder
  database:
    'M2.5 3.5c0-1.1 2.5-2 5.5-2s5.5.9 5.5 2-2.5 2-5.5 2-5.5-.9-5.5-2Zm0 0v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2',
  // page with a folded corner
  files: 'M3.5 1.5h6l3 3v10h-9ZM9.5 1.5v3h3',
  // cloud
  cloud: 'M4.5 13a3 3 0 0 1-.4-6 4 4 0 0 1 7.7-1A3.5 3.5 0 0 1 11.5 13Z',
  // envelope
  messaging: 'M1.5 3.5h13v9h-13ZM1.5 3.5 8 9l6.5-5.5',
  // brackets
  code: 'M5.5 3.5 1.5 8l4 4.5M10.5 3.5l4 4.5-4 4.5',
  // branching arrows
  logic: 'M2 8h4l4-4.5h4M6 8l4 4.5h4M12 1.5l2 2-2 2M12 10.5l2 2-2 2',
  // sparkle
  ai: 'M8 1.5 9.4 6.6 14.5 8 9.4 9.4 8 14.5 6.6 9.4 1.5 8l5.1-1.4ZM13 1.5v3M11.5 3h3',
};

/** The category's glyph at (x, y), or a plain square for an unknown type. */
export function categoryIcon(category: string | undefined, x: number, y: number): SVGGElement {
  const g = svg('g', { transform: `translate(${x},${y})`, 'aria-hidden': 'true' }, 'gicon');
  g.append(svg('path', { d: PATHS[category ?? ''] ?? 'M2.5 2.5h11v11h-11Z' }));
  return g;
}
