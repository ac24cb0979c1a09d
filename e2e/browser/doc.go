// Package browser holds orgdir's browser tests: they start the whole
// program (`orgdir serve --demo` on 127.0.0.1:0, in process) and walk the
// seed's journey in headless Chromium driven by chromedp, saving a
// screenshot of every step under $ORGDIR_TEST_OUT (default testout/).
//
// Chromium is found at $ORGDIR_CHROMIUM or /usr/bin/chromium; without it
// the tests skip, or fail when ORGDIR_REQUIRE_SERVICES=1 (CI).
package browser
