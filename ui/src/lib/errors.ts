// What the window does with a failed command, decided by the error's kind:
// the message to show and whether to open a dialog that fixes the cause.
import type { IpcError } from "./bindings";

/** Turns whatever a command rejected with into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "kind" in e && "message" in e) return e as IpcError;
  return { kind: "storage", message: String(e) };
}

export interface ErrorAction {
  /** The sentence to show. */
  message: string;
  /** Open the models dialog (there is no model to use). */
  openModels: boolean;
}

/** Whether the user stopped the work themselves (nothing went wrong). */
export function wasCancelled(e: unknown): boolean {
  return toIpcError(e).kind === "cancelled";
}

/** The sentence and the dialog for an error, from its kind. */
export function actionFor(e: IpcError): ErrorAction {
  switch (e.kind) {
    case "no_model":
    case "bad_model":
      return { message: e.message, openModels: true };
    case "cancelled":
      return { message: "Stopped.", openModels: false };
    case "disk_full":
      return {
        message: `${e.message} Old recordings can be deleted under Backup and export › Keep recordings; transcripts and notes stay.`,
        openModels: false,
      };
    default:
      return { message: e.message, openModels: false };
  }
}

/** The sentence to show for whatever a command rejected with, by its kind. */
export function messageFor(e: unknown): string {
  return actionForAny(e).message;
}

/** As [`actionFor`], for whatever a command rejected with. */
export function actionForAny(e: unknown): ErrorAction {
  return actionFor(toIpcError(e));
}
