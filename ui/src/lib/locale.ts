// WebKitGTK takes `navigator.language` from LANG, so under LANG=C (minimal
// systems, containers) it is "C", which is not a language tag: every
// `Intl.NumberFormat(navigator.language)` then throws, in our code or a
// library's. Imported first by main.ts, this replaces such a value with the
// first usable tag, or "en-US".

/** The first tag `Intl` accepts, or "en-US". */
export function usableLocale(candidates: readonly string[]): string {
  for (const tag of candidates) {
    try {
      if (tag && Intl.NumberFormat.supportedLocalesOf([tag]).length > 0) return tag;
    } catch {
      // Not a well-formed tag ("C", "POSIX"): try the next one.
    }
  }
  return "en-US";
}

export function fixNavigatorLanguage(nav: Navigator = navigator): void {
  const wanted = [nav.language, ...(nav.languages ?? [])];
  const tag = usableLocale(wanted);
  if (tag === nav.language) return;
  Object.defineProperty(nav, "language", { configurable: true, get: () => tag });
  Object.defineProperty(nav, "languages", { configurable: true, get: () => [tag] });
}

if (typeof navigator !== "undefined") fixNavigatorLanguage();
