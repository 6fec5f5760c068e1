// Which questions the browser shows: filters by area, topic, kind, difficulty,
// stars and a free-text search, and builds the area/topic tree with counts.
import type { Area, Difficulty, Question, QuestionKind } from "./bindings";

/** Which list the middle column shows. */
export type Mode = "questions" | "today" | "stories" | "history";

export interface Filters {
  area: Area | null;
  topic: string | null;
  kinds: QuestionKind[];
  difficulty: Difficulty | null;
  starredOnly: boolean;
  search: string;
}

export const emptyFilters = (): Filters => ({
  area: null,
  topic: null,
  kinds: [],
  difficulty: null,
  starredOnly: false,
  search: "",
});

export function isFiltered(f: Filters): boolean {
  return f.area !== null || f.topic !== null || f.kinds.length > 0 || f.difficulty !== null || f.starredOnly || f.search.trim() !== "";
}

/** Lower-cases and strips accents so "cafe" finds "café". */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function haystack(q: Question): string {
  return fold(
    [q.prompt, q.topic, q.area, q.answer, q.explanation, q.follow_up, q.sample_answer, q.example, q.approach, ...(q.quiz?.options.map((o) => o.text) ?? [])]
      .filter(Boolean)
      .join("\n"),
  );
}

/** Every word of the search must occur somewhere in the question. */
export function matchesSearch(q: Question, search: string): boolean {
  const words = fold(search).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const h = haystack(q);
  return words.every((w) => h.includes(w));
}

export function applyFilters(questions: Question[], f: Filters, starred: Set<string>): Question[] {
  return questions.filter(
    (q) =>
      (f.area === null || q.area === f.area) &&
      (f.topic === null || q.topic === f.topic) &&
      (f.kinds.length === 0 || f.kinds.includes(q.kind)) &&
      (f.difficulty === null || q.difficulty === f.difficulty) &&
      (!f.starredOnly || starred.has(q.id)) &&
      matchesSearch(q, f.search),
  );
}

export interface AreaNode {
  area: Area;
  count: number;
  topics: { topic: string; count: number }[];
}

/** Questions ordered by area (in `order`), keeping deck order within an area. */
export function sortByArea(questions: Question[], order: Area[]): Question[] {
  const rank = (a: Area) => {
    const i = order.indexOf(a);
    return i < 0 ? order.length : i;
  };
  return questions
    .map((q, i) => ({ q, i }))
    .sort((x, y) => rank(x.q.area) - rank(y.q.area) || x.i - y.i)
    .map((x) => x.q);
}

/** Areas in first-seen order, each with its topics and counts. */
export function areaTree(questions: Question[]): AreaNode[] {
  const nodes = new Map<Area, AreaNode>();
  for (const q of questions) {
    let n = nodes.get(q.area);
    if (!n) {
      n = { area: q.area, count: 0, topics: [] };
      nodes.set(q.area, n);
    }
    n.count++;
    if (q.topic) {
      const t = n.topics.find((t) => t.topic === q.topic);
      if (t) t.count++;
      else n.topics.push({ topic: q.topic, count: 1 });
    }
  }
  return [...nodes.values()];
}

export const KIND_LABELS: Record<QuestionKind, string> = {
  technical: "Technical",
  behavioral: "Behavioral",
  coding: "Coding",
  quiz: "Quiz",
};
