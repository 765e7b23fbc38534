// QR codes as SVG through the `qrcode` package. Error correction M and a quiet zone of 4 modules
// (ISO/IEC 18004) so that every phone camera reads it.
import QRCode from 'qrcode';
import type { QrRenderer } from '../core/ports/qr.js';

export const qrSvgRenderer: QrRenderer = {
  svg: (text) => QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }),
};
