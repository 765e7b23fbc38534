// Reads a QR code the way a phone would, independently of the encoder: the SVG's dark modules
// (stroked path runs, or filled rects) are rasterised into a bitmap, and jsQR decodes the pixels.
import jsQRModule from 'jsqr';

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

function isDark(color: string | undefined): boolean {
  if (color === undefined || color === 'none' || color === 'transparent') return false;
  const c = color.toLowerCase();
  if (c === 'white' || c === '#fff' || c === '#ffffff' || c === '#ffffffff') return false;
  return true;
}

export interface QrBitmap {
  size: number;
  /** dark[y][x] */
  dark: boolean[][];
}

/** The module grid of an SVG QR code (viewBox units are modules, as every QR SVG writer does). */
export function svgToBitmap(svg: string): QrBitmap {
  const svgTag = /<svg\b[^>]*>/.exec(svg)?.[0];
  if (!svgTag) throw new Error('not an SVG document');
  const viewBox = attr(svgTag, 'viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  if (!viewBox || viewBox.length !== 4 || viewBox[0] !== 0 || viewBox[1] !== 0 || viewBox[2] !== viewBox[3]) {
    throw new Error(`unexpected viewBox: ${String(viewBox)}`);
  }
  const size = viewBox[2]!;
  const dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const paint = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= size || y >= size) throw new Error(`module outside the grid: ${x},${y}`);
    dark[y]![x] = true;
  };

  for (const [tag] of svg.matchAll(/<rect\b[^>]*>/g)) {
    if (!isDark(attr(tag, 'fill') ?? '#000')) continue;
    const x = Number(attr(tag, 'x') ?? 0),
      y = Number(attr(tag, 'y') ?? 0);
    const w = Number(attr(tag, 'width')),
      h = Number(attr(tag, 'height'));
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) paint(x + i, y + j);
  }

  for (const [tag] of svg.matchAll(/<path\b[^>]*>/g)) {
    const stroke = attr(tag, 'stroke');
    if (!isDark(stroke)) {
      if (isDark(attr(tag, 'fill'))) throw new Error('a filled dark path: this reader only knows stroked runs');
      continue;
    }
    // Stroked runs of width 1: "M x y.5 h n" draws n modules of row y from column x.
    const d = attr(tag, 'd') ?? '';
    const tokens = d.match(/[a-zA-Z]|-?\d*\.?\d+/g) ?? [];
    let cx = 0,
      cy = 0,
      i = 0;
    const num = () => {
      const t = tokens[i++];
      if (t === undefined || Number.isNaN(Number(t)))
        throw new Error(`path: expected a number in "${d.slice(0, 40)}…"`);
      return Number(t);
    };
    while (i < tokens.length) {
      const cmd = tokens[i++]!;
      switch (cmd) {
        case 'M':
          cx = num();
          cy = num();
          break;
        case 'm':
          cx += num();
          cy += num();
          break;
        case 'h':
        case 'H': {
          const to = cmd === 'h' ? cx + num() : num();
          const row = Math.floor(cy);
          for (let x = Math.min(cx, to); x < Math.max(cx, to); x++) paint(x, row);
          cx = to;
          break;
        }
        case 'v':
        case 'V': {
          const to = cmd === 'v' ? cy + num() : num();
          const col = Math.floor(cx);
          for (let y = Math.min(cy, to); y < Math.max(cy, to); y++) paint(col, Math.floor(y));
          cy = to;
          break;
        }
        case 'z':
        case 'Z':
          break;
        default:
          throw new Error(`path command "${cmd}" not understood`);
      }
    }
  }
  return { size, dark };
}

/** Decodes an SVG QR code to its text, or null when no QR code can be read. */
export function decodeQrSvg(svg: string, pixelsPerModule = 8): string | null {
  const { size, dark } = svgToBitmap(svg);
  const px = size * pixelsPerModule;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < px; x++) {
      if (!dark[Math.floor(y / pixelsPerModule)]![Math.floor(x / pixelsPerModule)]) continue;
      const o = (y * px + x) * 4;
      rgba[o] = rgba[o + 1] = rgba[o + 2] = 0;
    }
  }
  return jsQR(rgba, px, px)?.data ?? null;
}
