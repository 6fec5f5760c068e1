import { describe, expect, it } from "vitest";
import { actionFor, actionForAny, wasCancelled } from "./errors";

describe("actionFor", () => {
  it("opens the models dialog when there is no model", () => {
    const a = actionFor({ kind: "no_model", message: "No transcription model is installed yet." });
    expect(a).toEqual({ message: "No transcription model is installed yet.", openModels: true });
  });

  it("says what can be freed when the disk is full", () => {
    const a = actionFor({ kind: "disk_full", message: "Could not write /x: No space left on device." });
    expect(a.openModels).toBe(false);
    expect(a.message).toMatch(/^Could not write \/x: No space left on device\./);
    expect(a.message).toMatch(/Keep recordings/);
  });

  it("opens the models dialog for a broken model, to replace it", () => {
    expect(actionFor({ kind: "bad_model", message: "The model /m.bin could not be loaded." }).openModels).toBe(true);
  });

  it("knows a cancelled job from a failed one by its kind, not its sentence", () => {
    expect(wasCancelled({ kind: "cancelled", message: "anything" })).toBe(true);
    expect(wasCancelled({ kind: "transcription", message: "Cancelled." })).toBe(false);
    expect(actionFor({ kind: "cancelled", message: "Cancelled." }).message).toBe("Stopped.");
  });

  it("shows other errors as they are", () => {
    expect(actionFor({ kind: "busy", message: "A recording is already running." })).toEqual({ message: "A recording is already running.", openModels: false });
  });

  it("reads anything a command rejected with", () => {
    expect(actionForAny("boom")).toEqual({ message: "boom", openModels: false });
    expect(actionForAny({ kind: "no_model", message: "m" }).openModels).toBe(true);
  });
});
