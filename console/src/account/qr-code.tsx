import { create } from 'qrcode';

/**
 * The otpauth:// URL as a QR code, drawn here with the qrcode package: the
 * secret never leaves the page. An <img> with alt text "QR code" (SPEC §18)
 * whose source is an SVG written here as a data: URL, the one image source
 * the console's CSP allows besides its own origin (an image cannot run
 * script, whatever its URL).
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
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
  return (
    <img
      class="qr"
      alt="QR code"
      src={`data:image/svg+xml,${encodeURIComponent(svg)}`}
      width={side * 4}
      height={side * 4}
    />
  );
}
