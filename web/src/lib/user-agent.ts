// A readable device name from a User-Agent string ("Chrome on macOS"). Order matters: many
// browsers also claim to be Safari or Chrome.

const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/HeadlessChrome\//, 'Chrome (headless)'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Chromium\//, 'Chromium'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  [/^twofold[-/]cli|twofold-cli/i, 'Twofold CLI'],
  [/^Twofold\//i, 'Twofold app'],
  [/^curl\//i, 'curl'],
  [/^node|undici/i, 'Node.js'],
  [/python-requests|python/i, 'Python'],
];

const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/Linux/, 'Linux'],
];

export function describeUserAgent(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return system;
  return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua;
}
