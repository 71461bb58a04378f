import { chromiumPath, DEBIAN_CHROMIUM } from './chromium';

describe(chromiumPath.name, () => {
  it('takes CHROMIUM_PATH when it names an executable', () => {
    expect(chromiumPath({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });

  it('says how to install Chromium when the executable is missing', () => {
    expect(() => chromiumPath({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(
      /Chromium not found at \/nonexistent\/chromium \(CHROMIUM_PATH\).*apt-get install -y --no-install-recommends chromium/,
    );
  });

  it("falls back to Debian's path without CHROMIUM_PATH", () => {
    let found: string | Error;
    try {
      found = chromiumPath({});
    } catch (error) {
      found = error as Error;
    }
    expect(found instanceof Error ? found.message : found).toContain(DEBIAN_CHROMIUM);
  });
});
