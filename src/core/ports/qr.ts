/** Renders text (an otpauth:// URI) as an SVG QR code. */
export interface QrRenderer {
  svg(text: string): Promise<string>;
}
