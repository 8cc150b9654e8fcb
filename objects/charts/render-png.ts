// Vega-Lite spec → SVG (vega, headless, no network) → PNG (resvg with a real font: without one resvg draws no text).
import { existsSync } from 'node:fs';
import { EscalatorError } from '../errors';

const fontCandidates = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/Library/Fonts/DejaVuSans.ttf',
];

/** The DejaVu Sans file charts are drawn with; a clear error when the machine has none. */
export function chartFont(): string {
  const found = fontCandidates.find((path) => existsSync(path));
  if (!found) throw new EscalatorError('charts need the DejaVu Sans font (Debian/Ubuntu: apt-get install fonts-dejavu-core)');
  return found;
}

/** The vega config every chart gets: DejaVu Sans everywhere, so resvg has the font it is given. */
export const chartConfig = { font: 'DejaVu Sans', background: 'white' };

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
let libraries: Promise<{ vega: Vega; vegaLite: VegaLite }> | undefined;

/** vega and vega-lite are ESM-only with top-level await: loaded once, one after the other. */
function loadLibraries(): Promise<{ vega: Vega; vegaLite: VegaLite }> {
  libraries ??= (async () => {
    const vega = await import('vega');
    const vegaLite = await import('vega-lite');
    return { vega, vegaLite };
  })();
  libraries.catch(() => (libraries = undefined));
  return libraries;
}

/** Renders a Vega-Lite spec (data inline) to PNG bytes. A spec that asks for a URL is refused. */
export async function renderVegaLitePng(spec: Record<string, unknown>): Promise<Buffer> {
  const font = chartFont();
  const { vega, vegaLite } = await loadLibraries();
  let compiled;
  try {
    compiled = vegaLite.compile({ ...spec, config: { ...chartConfig, ...((spec.config as object | undefined) ?? {}) } } as never).spec;
  } catch (error) {
    throw new EscalatorError(`the chart spec is not valid Vega-Lite: ${(error as Error).message}`, { cause: error });
  }
  // Vega logs a failed load and draws on without the data; so the loader records what was asked and we refuse after.
  const refused: string[] = [];
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    refused.push(uri);
    throw new Error('refused');
  };
  loader.sanitize = async (uri: string) => {
    refused.push(uri);
    throw new Error('refused');
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logLevel: vega.None });
  const svg = await view.toSVG();
  view.finalize();
  if (refused.length > 0) throw new EscalatorError(`charts may not load data from "${refused[0]}"; give the data inline (values) or as SQL`);
  // Loaded here: its native library is 4 MB, and `escalator jobs list` reaches this module without drawing a chart.
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  return new Resvg(svg, { font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
}
