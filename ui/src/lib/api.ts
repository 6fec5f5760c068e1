// Typed calls to the Tauri commands. The types come from bindings.ts, which is
// generated from the Rust types; only the command names are written here.
import { Channel, convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { toIpcError } from "./errors";
import { Targets } from "./targets.svelte";
import type {
  Attempt,
  BankSnapshot,
  CatalogModel,
  InstalledModel,
  ModelMeasurement,
  Transcript,
  TranscriptionEvent,
  MicrophoneList,
  RecordingEvent,
  IpcError,
  QuestionDetail,
  QuizGrade,
  StarNote,
  StarNoteDraft,
  BackupSummary,
  ExportDefaults,
  Rating,
  ReviewCard,
  ReviewSource,
  SearchResults,
  Story,
  StoryDraft,
  TodayView,
  HistoryItem,
  RetentionReport,
  Question,
  DeckReport,
  Analysis,
  ProgressPoint,
  AnswerKind,
  CoachSettings,
} from "./bindings";

export { toIpcError };

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const api = {
  loadBank: () => call<BankSnapshot>("load_bank"),
  /** Tells the shell the first screen is drawn (it logs the start-up time). */
  uiReady: () => call<void>("ui_ready"),
  reloadBank: () => call<BankSnapshot>("reload_bank"),
  openQuestion: (id: string) => call<QuestionDetail>("open_question", { id }),
  saveStarNote: (draft: StarNoteDraft) => call<StarNote | null>("save_star_note", { draft }),
  setStarred: (id: string, starred: boolean) => call<null>("set_starred", { id, starred }),
  /** Grades a quiz answer; the first try also schedules the question (right: Good, wrong: Again). */
  answerQuiz: (id: string, chosen: number[], firstTry: boolean) => call<QuizGrade>("answer_quiz", { id, chosen, firstTry }),
  search: (query: string) => call<SearchResults>("search", { query }),
  today: () => call<TodayView>("today"),
  rateQuestion: (id: string, rating: Rating, source: ReviewSource, attemptId: number | null) =>
    call<ReviewCard>("rate_question", { id, rating, source, attemptId }),
  listStories: () => call<Story[]>("list_stories"),
  saveStory: (draft: StoryDraft) => call<Story>("save_story", { draft }),
  deleteStory: (id: number) => call<Story>("delete_story", { id }),
  restoreStory: (story: Story) => call<Story>("restore_story", { story }),
  linkStory: (storyId: number, questionId: string) => call<Story>("link_story", { storyId, questionId }),
  unlinkStory: (storyId: number, questionId: string) => call<Story>("unlink_story", { storyId, questionId }),
  /** Sanitised HTML of a note's Markdown (raw HTML in the note comes back as text). */
  renderMarkdown: (text: string) => call<string>("render_markdown", { text }),
  exportNotes: (path: string) => call<number>("export_notes", { path }),
  exportBackup: (path: string) => call<BackupSummary>("export_backup", { path }),
  restoreBackup: (path: string) => call<BackupSummary>("restore_backup", { path }),
  exportDefaults: () => call<ExportDefaults>("export_defaults"),
  history: (limit: number) => call<HistoryItem[]>("history", { limit }),
  getRetention: () => call<number | null>("get_retention"),
  retentionPreview: (days: number | null) => call<RetentionReport>("retention_preview", { days }),
  setRetention: (days: number | null) => call<RetentionReport>("set_retention", { days }),
  /** Adds (empty id) or replaces one of the user's own questions. */
  saveQuestion: (question: Question) => call<Question>("save_question", { question }),
  deleteQuestion: (id: string) => call<Question>("delete_question", { id }),
  importDeck: (path: string) => call<DeckReport>("import_deck", { path }),
  exportDeck: (id: string, path: string) => call<number>("export_deck", { id, path }),
  listMicrophones: () => call<MicrophoneList>("list_microphones"),
  setMicrophone: (name: string | null) => call<null>("set_microphone", { name }),
  startRecording: (questionId: string, maxSeconds: number, onEvent: (e: RecordingEvent) => void) => {
    const channel = new Channel<RecordingEvent>();
    channel.onmessage = onEvent;
    return call<Attempt>("start_recording", { questionId, maxSeconds, onEvent: channel });
  },
  stopRecording: () => call<Attempt>("stop_recording"),
  getAttempt: (id: number) => call<Attempt>("get_attempt", { id }),
  listModels: () => call<InstalledModel[]>("list_models"),
  importModel: (path: string, name: string | null) => call<InstalledModel>("import_model", { path, name }),
  setDefaultModel: (name: string) => call<null>("set_default_model", { name }),
  modelCatalog: () => call<CatalogModel[]>("model_catalog"),
  downloadModel: (name: string, onProgress: (done: number, total: number | null) => void) => {
    const channel = new Channel<{ done: number; total: number | null }>();
    channel.onmessage = (p) => onProgress(p.done, p.total);
    return call<InstalledModel>("download_model", { name, onProgress: channel });
  },
  cancelDownload: () => call<null>("cancel_download"),
  cancelTranscription: (id: number) => call<boolean>("cancel_transcription", { id }),
  measureModel: (name: string) => call<ModelMeasurement>("measure_model", { name }),
  transcribeAttempt: (id: number, model: string | null) => call<null>("transcribe_attempt", { id, model }),
  /** Coaching facts of an attempt; null until it has a transcript. */
  attemptCoaching: (id: number) => call<Analysis | null>("attempt_coaching", { id }),
  /** Headline coaching figures over time, of one question or (null) of all. */
  progress: (questionId: string | null) => call<ProgressPoint[]>("progress", { questionId }),
  coachSettings: (kind: AnswerKind) => call<CoachSettings>("coach_settings", { kind }),
  setCoachSettings: (kind: AnswerKind, settings: CoachSettings) => call<CoachSettings>("set_coach_settings", { kind, settings }),
  attemptTranscript: (id: number) => call<Transcript | null>("attempt_transcript", { id }),
  onTranscription: (handler: (e: TranscriptionEvent) => void): Promise<UnlistenFn> =>
    listen<TranscriptionEvent>("transcription", (e) => handler(e.payload)),
  deleteAttempt: (id: number) => call<null>("delete_attempt", { id }),
  /**
   * The bytes of an attempt's WAV, for the replay player. WebKitGTK's media
   * player cannot read the asset protocol directly, so the file is fetched
   * through it (the scope allows only the recordings folder) and handed to the
   * player as a Blob.
   */
  attemptAudio: async (id: number): Promise<Blob> => {
    const src = convertFileSrc(await call<string>("attempt_audio_path", { id }));
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
