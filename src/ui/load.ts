/**
 * The interactive UI, loaded on first use: nothing of ink or React loads
 * for a report. The installed bundle replaces this module
 * (scripts/build.mjs) to load its copy of ink and React first.
 */

export async function loadUi(): Promise<typeof import("./run.tsx")> {
  return await import("./run.tsx");
}
