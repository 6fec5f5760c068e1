import { describe, expect, it } from "vitest";
import { dueIn } from "./schedule";

const DAY = 86_400_000;
const now = 1_767_225_600_000;

describe("dueIn", () => {
  it("names days ahead and behind", () => {
    expect(dueIn(now + 3 * DAY, now)).toBe("due in 3 days");
    expect(dueIn(now + DAY, now)).toBe("due tomorrow");
    expect(dueIn(now + 2 * 3_600_000, now)).toBe("due today");
    expect(dueIn(now - 1000, now)).toBe("due now");
    expect(dueIn(now - DAY, now)).toBe("1 day overdue");
    expect(dueIn(now - 5 * DAY, now)).toBe("5 days overdue");
  });
});
