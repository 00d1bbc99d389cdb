// An independent client check of the ComfyUI flavour: the @saintno/comfyui-sdk client (its own
// HTTP calls, websocket and run tracking) against a running emulator. Started by the Rust test
// `comfy_sdk::comfyui_sdk_runs_the_reference_graph`, which passes EMULATOR_URL and GRAPH_JSON
// (the reference graph in API form). Connects, uploads an image, queues the graph (plus a
// LoadImage -> PreviewImage branch on the upload) through CallWrapper, follows its events to
// the end, then reads the history and the saved image. Prints one JSON line per call and exits
// non-zero on the first failure. Preview MIME types are not checked: the SDK reads the format
// word at the wrong offset and labels every preview JPEG.
import { ComfyApi, CallWrapper, PromptBuilder } from "@saintno/comfyui-sdk";

const { EMULATOR_URL, GRAPH_JSON } = process.env;
const CLIENT_ID = "sdk-comfy-check";

function report(call, value) {
  console.log(JSON.stringify({ call, value }));
}

function fail(call, error) {
  console.log(JSON.stringify({ call, error: String(error?.stack ?? error) }));
  process.exit(1);
}

// Every wait is bounded: a hung run fails the check instead of hanging the Rust test.
function within(ms, call, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${call}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A PNG signature and IHDR chunk for width x height: all the emulator reads of an upload.
function pngHeader(width, height) {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write("IHDR", 12, "latin1");
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

let step = "start";
try {
  step = "init";
  const api = new ComfyApi(EMULATOR_URL, CLIENT_ID);
  const connected = new Promise((resolve) => api.on("connected", resolve));
  await within(15000, step, api.init(3, 200).waitForReady());
  await within(15000, "connected", connected);
  report("init", { ready: api.isReady, clientId: api.clientId });

  step = "getSystemStats";
  const stats = await api.getSystemStats();
  report(step, { os: stats.system.os, devices: stats.devices.length });

  step = "getCheckpoints";
  report(step, await api.getCheckpoints());

  step = "getSamplerInfo";
  const samplers = await api.getSamplerInfo();
  report(step, { samplers: samplers.sampler[0].length, schedulers: samplers.scheduler[0].length });

  step = "uploadImage";
  const uploaded = await api.uploadImage(pngHeader(320, 200), "sdk-input.png");
  if (!uploaded) fail(step, "the upload was refused");
  report(step, uploaded.info);

  step = "run";
  const graph = JSON.parse(GRAPH_JSON);
  graph["25"] = { class_type: "LoadImage", inputs: { image: uploaded.info.name } };
  graph["26"] = { class_type: "PreviewImage", inputs: { images: ["25", 0] } };
  const builder = new PromptBuilder(graph, ["seed"], ["images", "preview"])
    .setInputNode("seed", "3.inputs.seed")
    .setOutputNode("images", "9")
    .setOutputNode("preview", "26")
    .input("seed", 777);
  let progress = 0;
  let previews = 0;
  let started = false;
  let pending = null;
  const finished = new Promise((resolve, reject) => {
    new CallWrapper(api, builder)
      .onPending((id) => (pending = id))
      .onStart(() => (started = true))
      .onProgress(() => progress++)
      .onPreview(() => previews++)
      .onFinished((data, id) => resolve({ data, id }))
      .onFailed((error) => reject(error))
      .run();
  });
  const { data, id } = await within(30000, step, finished);
  report(step, { promptId: id, pending, started, progress, previews, images: data.images, preview: data.preview });

  // onFinished fires at the last `executed`, a moment before the server files the history
  // entry (as on a real server), so the history and the queue are polled, boundedly.
  step = "getHistory";
  let entry;
  for (let tries = 0; tries < 200 && !entry?.status?.completed; tries++) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 25));
    entry = await api.getHistory(id);
  }
  if (!entry?.status?.completed) fail(step, "the prompt never completed in /history");
  report(step, { status: entry.status.status_str, completed: entry.status.completed, outputs: entry.outputs,
    seed: entry.prompt[2]["3"].inputs.seed });

  step = "getImage";
  const blob = await api.getImage(data.images.images[0]);
  const png = Buffer.from(await blob.arrayBuffer());
  const signature = png.subarray(0, 8).equals(pngHeader(1, 1).subarray(0, 8));
  report(step, { bytes: png.length, signature, width: png.readUInt32BE(16), height: png.readUInt32BE(20),
    type: blob.type });

  step = "getQueue";
  let queue = await api.getQueue();
  for (let tries = 0; tries < 200 && queue.queue_running.length > 0; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    queue = await api.getQueue();
  }
  report(step, { running: queue.queue_running.length, pending: queue.queue_pending.length });

  step = "getHistories";
  report(step, Object.keys(await api.getHistories(10)));

  api.destroy();
  process.exit(0);
} catch (error) {
  fail(step, error);
}
