// Typed calls to the Tauri commands. The types come from bindings.ts, which is
// generated from the Rust types; only the command names are written here.
import { invoke } from "@tauri-apps/api/core";
import type {
  BankSnapshot,
  IpcError,
  QuestionDetail,
  QuizGrade,
  StarNote,
  StarNoteDraft,
} from "./bindings";

/** Turns whatever a command rejected with into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "kind" in e && "message" in e) return e as IpcError;
  return { kind: "storage", message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const api = {
  loadBank: () => call<BankSnapshot>("load_bank"),
  reloadBank: () => call<BankSnapshot>("reload_bank"),
  openQuestion: (id: string) => call<QuestionDetail>("open_question", { id }),
  saveStarNote: (draft: StarNoteDraft) => call<StarNote | null>("save_star_note", { draft }),
  setStarred: (id: string, starred: boolean) => call<null>("set_starred", { id, starred }),
  checkQuiz: (id: string, chosen: number[]) => call<QuizGrade>("check_quiz", { id, chosen }),
};
