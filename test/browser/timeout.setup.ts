// A browser test starts the hub and Chromium and navigates real pages: 120 s, not the global 60 s.
jest.setTimeout(120_000);
