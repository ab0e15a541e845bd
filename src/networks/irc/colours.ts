/**
 * The mIRC colour palette (codes 0-98, per the modern IRC formatting spec) and the mapping
 * between `#rrggbb` colours and palette codes.
 */

/** `MIRC_PALETTE[n]` is the hex colour of code `n`. Code 99 means "default colour". */
export const MIRC_PALETTE: readonly string[] = [
  '#ffffff', '#000000', '#00007f', '#009300', '#ff0000', '#7f0000', '#9c009c', '#fc7f00',
  '#ffff00', '#00fc00', '#009393', '#00ffff', '#0000fc', '#ff00ff', '#7f7f7f', '#d2d2d2',
  '#470000', '#472100', '#474700', '#324700', '#004700', '#00472c', '#004747', '#002747',
  '#000047', '#2e0047', '#470047', '#47002a', '#740000', '#743a00', '#747400', '#517400',
  '#007400', '#007449', '#007474', '#004074', '#000074', '#4b0074', '#740074', '#740045',
  '#b50000', '#b56300', '#b5b500', '#7db500', '#00b500', '#00b571', '#00b5b5', '#0063b5',
  '#0000b5', '#7500b5', '#b500b5', '#b5006b', '#ff0000', '#ff8c00', '#ffff00', '#b2ff00',
  '#00ff00', '#00ffa0', '#00ffff', '#008cff', '#0000ff', '#a500ff', '#ff00ff', '#ff0098',
  '#ff5959', '#ffb459', '#ffff71', '#cfff60', '#6fff6f', '#65ffc9', '#6dffff', '#59b4ff',
  '#5959ff', '#c459ff', '#ff66ff', '#ff59bc', '#ff9c9c', '#ffd39c', '#ffff9c', '#e2ff9c',
  '#9cff9c', '#9cffdb', '#9cffff', '#9cd3ff', '#9c9cff', '#dc9cff', '#ff9cff', '#ff94d3',
  '#000000', '#131313', '#282828', '#363636', '#4d4d4d', '#656565', '#818181', '#9f9f9f',
  '#bcbcbc', '#e2e2e2', '#ffffff',
];

const HEX_COLOUR = /^#?([0-9a-f]{6})$/i;

/** Parses `#rrggbb` (or `rrggbb`) into its channels; undefined when malformed. */
function parseHexColour(hex: string): [number, number, number] | undefined {
  const match = HEX_COLOUR.exec(hex);
  if (!match?.[1]) return undefined;
  const n = Number.parseInt(match[1], 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** The hex colour of a palette code, or undefined for 99 (default) and codes out of range. */
export function mircCodeToHex(code: number): string | undefined {
  return Number.isInteger(code) && code >= 0 ? MIRC_PALETTE[code] : undefined;
}

const paletteRgb = MIRC_PALETTE.map((hex) => parseHexColour(hex) as [number, number, number]);

/**
 * The palette code nearest to a `#rrggbb` colour (squared RGB distance; on a tie the lower
 * code wins, so the widely supported codes 0-15 are preferred). Undefined when malformed.
 */
export function nearestMircCode(hex: string): number | undefined {
  const rgb = parseHexColour(hex);
  if (!rgb) return undefined;
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  paletteRgb.forEach(([r, g, b], code) => {
    const distance = (r - rgb[0]) ** 2 + (g - rgb[1]) ** 2 + (b - rgb[2]) ** 2;
    if (distance < bestDistance) {
      best = code;
      bestDistance = distance;
    }
  });
  return best;
}

/** Snaps a `#rrggbb` colour to the hex of its nearest palette colour (undefined when malformed). */
export function snapToPalette(hex: string): string | undefined {
  const code = nearestMircCode(hex);
  return code === undefined ? undefined : MIRC_PALETTE[code];
}
