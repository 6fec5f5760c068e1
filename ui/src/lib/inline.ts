// Splits text on `backticks` into plain and code runs, so templates can render
// inline code without ever inserting HTML.
export interface Run {
  code: boolean;
  text: string;
}

export function inlineRuns(text: string): Run[] {
  const runs: Run[] = [];
  const parts = text.split("`");
  // An odd number of backticks leaves the last one literal.
  const balanced = parts.length % 2 === 1;
  parts.forEach((part, i) => {
    const isCode = i % 2 === 1 && (balanced || i < parts.length - 1);
    if (!isCode && !balanced && i === parts.length - 1 && i > 0) {
      runs.push({ code: false, text: "`" + part });
    } else if (part !== "") {
      runs.push({ code: isCode, text: part });
    }
  });
  return runs;
}

/** Paragraphs of a multi-line text (blank lines or single newlines split). */
export function paragraphs(text: string): string[] {
  return text
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean);
}
