// An independent client check: the official TAMS JS SDK (npm `tams-sdk`), with its own RSA
// signing, talks to a running emulator. Started by the Rust test `sdk::official_js_sdk_...`,
// which passes EMULATOR_URL, APP_ID, KEY_PATH and JOB_ID. Prints one JSON line per call and
// exits non-zero on the first failure. The only change to the SDK is its base URL: it always
// builds `https://<host>`, and the emulator speaks plain HTTP on 127.0.0.1.
import fs from "node:fs";
import { TamsSDK, Sha256RsaAuthenticateStrategy } from "tams-sdk";

const { EMULATOR_URL, APP_ID, KEY_PATH, JOB_ID } = process.env;
const sdk = new TamsSDK({
  appId: APP_ID,
  authenticateStrategy: new Sha256RsaAuthenticateStrategy(fs.readFileSync(KEY_PATH, "utf-8")),
});
sdk.api.baseUrl = EMULATOR_URL;

function report(name, value) {
  console.log(JSON.stringify({ call: name, value }));
}

try {
  const model = await sdk.v1.tamsApiV1ServiceGetModel("664602165660323756");
  report("getModel", model.data);
  const job = await sdk.v1.tamsApiV1ServiceGetJob(JOB_ID);
  report("getJob", job.data);
  const created = await sdk.v1.tamsApiV1ServiceCreateJob({
    requestId: `sdk-${Date.now()}`,
    stages: [
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: "-1", count: 1 } },
      {
        type: "DIFFUSION",
        diffusion: {
          width: 512, height: 512, prompts: [{ text: "a lighthouse at dusk" }],
          sdModel: "600423083519508503", sdVae: "Automatic", sampler: "Euler a", steps: 8, cfgScale: 7,
        },
      },
    ],
  });
  report("createJob", created.data);
  const canceled = await sdk.v1.tamsApiV1ServiceCancelJob(created.data.job.id);
  report("cancelJob", canceled.data);
  const after = await sdk.v1.tamsApiV1ServiceGetJob(created.data.job.id);
  report("getCanceledJob", after.data);
  const upload = await sdk.uploadFile({ file: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
  report("uploadFile", upload);
} catch (error) {
  console.error("SDK call failed:", error.message, JSON.stringify(error.response?.error ?? null));
  process.exit(1);
}
