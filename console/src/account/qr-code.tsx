import { create } from 'qrcode';

/**
 * The otpauth:// URL as a QR code, drawn here with the qrcode package: the
 * secret never leaves the page. An inline SVG, because the console's CSP
 * allows images from its own origin only (no data: or blob: URL); as an
 * image it is named "QR code" (SPEC §18).
 */
export function QrCode({ text }: { text: string }) {
  const { size, data } = create(text, { errorCorrectionLevel: 'M' }).modules;
  let path = '';
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      if (data[row * size + col]) path += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
  }
  const side = size + 8; // the quiet zone readers need around the code
  return (
    <svg
      class="qr"
      role="img"
      aria-label="QR code"
      viewBox={`0 0 ${side} ${side}`}
      width={side * 4}
      height={side * 4}
      shape-rendering="crispEdges"
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
