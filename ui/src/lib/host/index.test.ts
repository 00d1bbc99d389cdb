import { beforeEach, describe, expect, it, vi } from "vitest";

const core = vi.hoisted(() => ({
  invoke: vi.fn(),
  isTauri: vi.fn(() => true),
  // Stands in for Tauri's channel: the backend side is the test calling `onmessage`.
  Channel: class {
    onmessage: (message: unknown) => void = () => {};
  },
}));
const event = vi.hoisted(() => ({ listen: vi.fn() }));
const webview = vi.hoisted(() => ({ onDragDropEvent: vi.fn() }));
vi.mock("@tauri-apps/api/core", () => core);
vi.mock("@tauri-apps/api/event", () => event);
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => webview }));

import {
  backendInfo,
  cancelRun,
  imageUrl,
  importWorkflowText,
  onFileDrop,
  openWorkflowFile,
  inspectWorkflow,
  JOB_EVENT,
  modelMap,
  modelMappings,
  modelUnmap,
  NO_HOST,
  onJobEvent,
  openDefaultWorkflow,
  retryRun,
  runWorkflow,
  workflowReadiness,
} from "./index";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";

const doc: WorkflowDoc = { name: "w", nodes: [] };

beforeEach(() => {
  core.invoke.mockReset();
  core.isTauri.mockReturnValue(true);
  event.listen.mockReset();
  webview.onDragDropEvent.mockReset();
});

describe("commands", () => {
  it("invoke the snake_case commands with camelCase args", async () => {
    core.invoke.mockResolvedValueOnce(doc).mockResolvedValueOnce(["run-1", "run-2"]);
    core.invoke.mockResolvedValueOnce({ kind: "demo", endpoint: "http://127.0.0.1:1" });
    const options = { count: 2, seeds: [{ nodeId: "3", input: "seed", mode: "increment" }] };
    expect(await openDefaultWorkflow()).toBe(doc);
    expect(await runWorkflow(doc, options as never, vi.fn())).toEqual(["run-1", "run-2"]);
    expect(await backendInfo()).toEqual({ kind: "demo", endpoint: "http://127.0.0.1:1" });
    expect(core.invoke.mock.calls).toEqual([
      ["open_default_workflow", undefined],
      ["run_workflow", { doc, options, events: expect.any(core.Channel) }],
      ["backend_info", undefined],
    ]);
  });

  it("give each start call a channel of its own that reaches its handler", async () => {
    core.invoke.mockResolvedValue("a2");
    const first = vi.fn();
    const second = vi.fn();
    await retryRun("a", first, { credits: 12, overCap: 12 });
    await retryRun("b", second);
    const [[, one], [, two]] = core.invoke.mock.calls;
    expect(one).toMatchObject({ runId: "a", approvedCredits: 12, approvedOverCap: 12 });
    expect(two).toMatchObject({ runId: "b", approvedCredits: null, approvedOverCap: null });
    expect(one.events).not.toBe(two.events);
    // The backend sends a frame's events as one array: each reaches the handler, in order.
    const queued = { runId: "a2", change: { kind: "queued", nodes: [] } };
    const submitted = { runId: "a2", change: { kind: "submitted", jobId: "j" } };
    one.events.onmessage([queued, submitted]);
    expect(first.mock.calls).toEqual([[queued], [submitted]]);
    expect(second).not.toHaveBeenCalled();
  });

  it("open, import, inspect and cancel", async () => {
    core.invoke.mockResolvedValue("ok");
    await openWorkflowFile("/tmp/a.png");
    await importWorkflowText("Pasted", "{}");
    await inspectWorkflow(doc);
    await cancelRun("run-1");
    expect(core.invoke.mock.calls).toEqual([
      ["open_workflow_file", { path: "/tmp/a.png" }],
      ["import_workflow_text", { name: "Pasted", text: "{}" }],
      ["inspect_workflow", { doc }],
      ["cancel_run", { runId: "run-1" }],
    ]);
  });

  it("map, list and unmap model files, and check workflows in one call", async () => {
    core.invoke.mockResolvedValue([]);
    await modelMap(
      "v1-5.safetensors",
      "https://tensor.art/models/600423083519508503",
      "checkpoint",
    );
    await modelMap("x.safetensors", "600423083519508503", null);
    await modelMappings();
    await modelUnmap("v1-5.safetensors");
    await workflowReadiness([doc, doc]);
    expect(core.invoke.mock.calls).toEqual([
      [
        "model_map",
        {
          file: "v1-5.safetensors",
          reference: "https://tensor.art/models/600423083519508503",
          kind: "checkpoint",
        },
      ],
      ["model_map", { file: "x.safetensors", reference: "600423083519508503", kind: null }],
      ["model_mappings", undefined],
      ["model_unmap", { file: "v1-5.safetensors" }],
      ["workflow_readiness", { docs: [doc, doc] }],
    ]);
  });

  it("reject with the backend's AppError", async () => {
    core.invoke.mockRejectedValueOnce({ code: "invalidWorkflow", message: "node 3: bad" });
    await expect(runWorkflow(doc, { count: 1, seeds: [] }, vi.fn())).rejects.toEqual({
      code: "invalidWorkflow",
      message: "node 3: bad",
    });
  });

  it("reject with noHost outside the app, without invoking", async () => {
    core.isTauri.mockReturnValue(false);
    await expect(backendInfo()).rejects.toMatchObject({ code: NO_HOST });
    await expect(runWorkflow(doc, { count: 1, seeds: [] }, vi.fn())).rejects.toMatchObject({
      code: NO_HOST,
    });
    expect(core.invoke).not.toHaveBeenCalled();
  });
});

describe("onJobEvent", () => {
  it("listens to job://event and hands on each event of a payload's array", async () => {
    const unlisten = vi.fn();
    event.listen.mockResolvedValue(unlisten);
    const handler = vi.fn();
    const stop = await onJobEvent(handler);
    expect(event.listen).toHaveBeenCalledWith(JOB_EVENT, expect.any(Function));
    const canceled = { runId: "r", change: { kind: "canceled" } };
    const other = { runId: "s", change: { kind: "canceled" } };
    event.listen.mock.calls[0][1]({ event: JOB_EVENT, id: 1, payload: [canceled, other] });
    expect(handler.mock.calls).toEqual([[canceled], [other]]);
    stop();
    expect(unlisten).toHaveBeenCalled();
  });

  it("is a no-op outside the app", async () => {
    core.isTauri.mockReturnValue(false);
    const stop = await onJobEvent(vi.fn());
    expect(event.listen).not.toHaveBeenCalled();
    expect(() => stop()).not.toThrow();
  });
});

describe("onFileDrop", () => {
  it("reports hovering and dropped paths", async () => {
    const unlisten = vi.fn();
    webview.onDragDropEvent.mockResolvedValue(unlisten);
    const drop = vi.fn();
    const hover = vi.fn();
    const stop = await onFileDrop({ drop, hover });
    const send = webview.onDragDropEvent.mock.calls[0][0];
    send({ payload: { type: "enter", paths: ["/a.json"], position: { x: 0, y: 0 } } });
    send({ payload: { type: "leave" } });
    globalThis.devicePixelRatio = 2;
    send({ payload: { type: "drop", paths: ["/a.json"], position: { x: 40, y: 20 } } });
    expect(hover.mock.calls).toEqual([[true], [false], [false]]);
    expect(drop).toHaveBeenCalledWith(["/a.json"], { x: 20, y: 10 });
    stop();
    expect(unlisten).toHaveBeenCalled();
  });

  it("is a no-op outside the app", async () => {
    core.isTauri.mockReturnValue(false);
    await onFileDrop({ drop: vi.fn() });
    expect(webview.onDragDropEvent).not.toHaveBeenCalled();
  });
});

describe("imageUrl", () => {
  it("uses the easel scheme on Linux and macOS", () => {
    expect(imageUrl("abc", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15")).toBe(
      "easel://localhost/image/abc",
    );
    expect(imageUrl("abc", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)")).toBe(
      "easel://localhost/image/abc",
    );
  });
  it("uses http://easel.localhost on Windows", () => {
    expect(imageUrl("abc", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120")).toBe(
      "http://easel.localhost/image/abc",
    );
  });
  it("escapes the id and defaults to navigator.userAgent", () => {
    expect(imageUrl("a b/c", "Linux")).toBe("easel://localhost/image/a%20b%2Fc");
    expect(imageUrl("x")).toMatch(/\/image\/x$/);
  });
});
