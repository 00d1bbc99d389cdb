// One factory for the host door's test double, so every test file mocks the same surface:
// `vi.mock("./lib/host", async () => (await import("./lib/testing/hostMock")).hostMock())`.
// Commands are bare `vi.fn()`s (each test sets what it needs); URL builders stay real.

import { vi } from "vitest";
import type { BackendInfo } from "../bindings/BackendInfo";
import type { Capabilities } from "../bindings/Capabilities";
import type { HistoryRun } from "../bindings/HistoryRun";
import type { JobEvent } from "../bindings/JobEvent";
import type { Settings } from "../bindings/Settings";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { inspection, readiness } from "./inspection";

/** Settings as the backend sends them when none were saved. */
export const DEFAULT_SETTINGS: Settings = {
  backend: "demo",
  region: "international",
  customUrl: "",
  authMode: "bearer",
  appId: "",
  privateKeyPath: "",
  libraryFolder: "",
  concurrency: 2,
  confirmAbove: 10,
  theme: "system",
  language: "system",
  rendering: "auto",
  comfyuiUrl: "http://127.0.0.1:8188",
  comfyuiHeader: "",
};

/** What the Tensor.Art service and the offline demo can do. */
export const TAMS_CAPABILITIES: Capabilities = {
  credits: true,
  templates: true,
  modelIds: true,
  previews: false,
};

/** The offline demo as `backendInfo` reports it. */
export function demoBackend(): BackendInfo {
  return {
    kind: "demo",
    endpoint: "http://127.0.0.1:4000",
    capabilities: TAMS_CAPABILITIES,
    library: "/lib",
    notice: null,
  };
}

export function hostMock() {
  const url = (kind: string) => (id: number | string) => `easel://localhost/${kind}/${id}`;
  return {
    NO_HOST: "noHost",
    JOB_EVENT: "job://event",
    onJobEvent: vi.fn(async () => () => {}),
    onFileDrop: vi.fn(async () => () => {}),
    openDefaultWorkflow: vi.fn(),
    openWorkflowFile: vi.fn(),
    importWorkflowText: vi.fn(),
    inspectWorkflow: vi.fn(async () => inspection()),
    backendInfo: vi.fn(),
    runWorkflow: vi.fn(),
    cancelRun: vi.fn(async () => true),
    retryRun: vi.fn(),
    reorderRuns: vi.fn(async () => {}),
    pickWorkflowFile: vi.fn(async () => null),
    recentFiles: vi.fn(async () => []),
    notify: vi.fn(async () => {}),
    modelInfo: vi.fn(async (id: string) => ({
      id,
      name: null,
      modelType: "DEFAULT",
      baseModel: null,
      hasPreview: false,
    })),
    modelMappings: vi.fn(async () => []),
    modelMap: vi.fn(),
    modelUnmap: vi.fn(async () => true),
    // Every workflow runs as it stands unless a test says otherwise.
    workflowReadiness: vi.fn(async (docs: WorkflowDoc[]) => docs.map(() => readiness())),
    pickInputImage: vi.fn(async () => null),
    useInputImage: vi.fn(),
    pasteInputImage: vi.fn(),
    isWindows: () => false,
    imageUrl: url("image"),
    thumbUrl: url("thumb"),
    inputUrl: url("input"),
    modelPreviewUrl: url("model"),
  };
}

/** What the channel of a mocked start call (`runWorkflow`, `retryRun`, `runFavourite`,
 * `runAgain`) delivers: the `onEvent` its latest call (or call `n`) was handed. */
export function channelOf(
  start: { mock: { calls: unknown[][] } },
  n = start.mock.calls.length - 1,
): (event: JobEvent) => void {
  const onEvent = start.mock.calls[n]?.find((arg) => typeof arg === "function");
  if (!onEvent) throw new Error(`start call ${n} was not made with an event handler`);
  return onEvent as (event: JobEvent) => void;
}

/** The queue module's double: a queue with nothing left by a previous session, not paused, and
 * pause / cancel answering as the backend would. */
export function queueMock() {
  return {
    pauseQueue: vi.fn(async (paused: boolean) => paused),
    sendRunsBack: vi.fn(async () => {}),
    cancelQueue: vi.fn(async () => [] as string[]),
    queueState: vi.fn(async () => ({ paused: false, runs: [] as HistoryRun[] })),
  };
}

/** The settings module's double: defaults as the backend would send them. */
export function settingsMock() {
  return {
    loadSettings: vi.fn(async () => ({ ...DEFAULT_SETTINGS })),
    renderingInfo: vi.fn(async () => ({
      setting: "auto" as const,
      accelerated: false,
      reason: { kind: "noRenderNode" as const },
    })),
    saveSettings: vi.fn(),
    keyStatus: vi.fn(async () => ({ present: false, hint: null, account: null })),
    setKey: vi.fn(),
    removeKey: vi.fn(),
    pickPrivateKey: vi.fn(async () => null),
    pickLibraryFolder: vi.fn(async () => null),
  };
}
