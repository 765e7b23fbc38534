// QR codes as SVG through the `qrcode` package. Error correction M and a quiet zone of 4 modules
// (ISO/IEC 18004) so that every phone camera reads it.
import type { QrRenderer } from '../core/ports/qr.js';

// Loaded at the first two-factor set-up rather than at start: most processes never draw a code.
let qrcode: Promise<typeof import('qrcode')> | undefined;

export const qrSvgRenderer: QrRenderer = {
  svg: async (text) => {
    qrcode ??= import('qrcode');
    const { toString } = await qrcode;
    return toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  },
};
