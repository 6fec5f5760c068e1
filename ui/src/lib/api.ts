// The window's API: the generated command calls (commands.ts, one per
// #[tauri::command] in the shell) plus the few things that are more than one
// call: transcription events and the bytes of a recording for replay.
import { convertFileSrc } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { commands } from "./commands";
import { toIpcError } from "./errors";
import { Targets } from "./targets.svelte";
import type { TranscriptionEvent } from "./bindings";

export { toIpcError };

export const api = {
  ...commands,
  onTranscription: (handler: (e: TranscriptionEvent) => void): Promise<UnlistenFn> =>
    listen<TranscriptionEvent>("transcription", (e) => handler(e.payload)),
  attemptAudio: async (id: number): Promise<Blob> => {
    const src = convertFileSrc(await commands.attemptAudioPath(id));
    let response: Response;
    try {
      response = await fetch(src);
    } catch (e) {
      throw toIpcError({ kind: "not_found", message: `The recording could not be read (${String(e)}).` });
    }
    if (!response.ok) throw toIpcError({ kind: "not_found", message: `The recording could not be read (HTTP ${response.status}).` });
    return new Blob([await response.blob()], { type: "audio/wav" });
  },
};

/** The user's coaching targets, shared by every view (see targets.svelte.ts). */
export const targets = new Targets(api);
