// The reference workflow (crates/easel-workflow/data/reference.json) as the backend hands it
// to the UI: a fixture for tests. A fresh copy per call, so tests can edit it freely.
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";

const REFERENCE: WorkflowDoc = {
  name: "reference",
  nodes: [
    {
      id: "10",
      classType: "LoraLoader",
      title: null,
      inputs: [
        {
          kind: "link",
          name: "clip",
          node: "4",
          output: 1,
        },
        {
          kind: "value",
          name: "lora_name",
          value: "648628718430054626",
        },
        {
          kind: "link",
          name: "model",
          node: "4",
          output: 0,
        },
        {
          kind: "value",
          name: "strength_clip",
          value: 1,
        },
        {
          kind: "value",
          name: "strength_model",
          value: 1,
        },
      ],
      extra: {},
    },
    {
      id: "14",
      classType: "LoraLoader",
      title: null,
      inputs: [
        {
          kind: "link",
          name: "clip",
          node: "10",
          output: 1,
        },
        {
          kind: "value",
          name: "lora_name",
          value: "631627137633337321",
        },
        {
          kind: "link",
          name: "model",
          node: "10",
          output: 0,
        },
        {
          kind: "value",
          name: "strength_clip",
          value: 1,
        },
        {
          kind: "value",
          name: "strength_model",
          value: 0.6,
        },
      ],
      extra: {},
    },
    {
      id: "16",
      classType: "LatentUpscale",
      title: null,
      inputs: [
        {
          kind: "value",
          name: "crop",
          value: "disabled",
        },
        {
          kind: "value",
          name: "height",
          value: 1536,
        },
        {
          kind: "link",
          name: "samples",
          node: "3",
          output: 0,
        },
        {
          kind: "value",
          name: "upscale_method",
          value: "nearest-exact",
        },
        {
          kind: "value",
          name: "width",
          value: 1024,
        },
      ],
      extra: {},
    },
    {
      id: "17",
      classType: "KSampler",
      title: null,
      inputs: [
        {
          kind: "value",
          name: "cfg",
          value: 8,
        },
        {
          kind: "value",
          name: "denoise",
          value: 0.3,
        },
        {
          kind: "link",
          name: "latent_image",
          node: "16",
          output: 0,
        },
        {
          kind: "link",
          name: "model",
          node: "4",
          output: 0,
        },
        {
          kind: "link",
          name: "negative",
          node: "7",
          output: 0,
        },
        {
          kind: "link",
          name: "positive",
          node: "6",
          output: 0,
        },
        {
          kind: "value",
          name: "sampler_name",
          value: "dpmpp_2m_sde",
        },
        {
          kind: "value",
          name: "scheduler",
          value: "karras",
        },
        {
          kind: "value",
          name: "seed",
          value: 12345,
        },
        {
          kind: "value",
          name: "steps",
          value: 30,
        },
      ],
      extra: {},
    },
    {
      id: "18",
      classType: "VAEDecode",
      title: null,
      inputs: [
        {
          kind: "link",
          name: "samples",
          node: "17",
          output: 0,
        },
        {
          kind: "link",
          name: "vae",
          node: "4",
          output: 2,
        },
      ],
      extra: {},
    },
    {
      id: "3",
      classType: "KSampler",
      title: null,
      inputs: [
        {
          kind: "value",
          name: "cfg",
          value: 7,
        },
        {
          kind: "value",
          name: "denoise",
          value: 1,
        },
        {
          kind: "link",
          name: "latent_image",
          node: "5",
          output: 0,
        },
        {
          kind: "link",
          name: "model",
          node: "14",
          output: 0,
        },
        {
          kind: "link",
          name: "negative",
          node: "7",
          output: 0,
        },
        {
          kind: "link",
          name: "positive",
          node: "6",
          output: 0,
        },
        {
          kind: "value",
          name: "sampler_name",
          value: "dpmpp_2m_sde",
        },
        {
          kind: "value",
          name: "scheduler",
          value: "karras",
        },
        {
          kind: "value",
          name: "seed",
          value: 12345,
        },
        {
          kind: "value",
          name: "steps",
          value: 26,
        },
      ],
      extra: {},
    },
    {
      id: "4",
      classType: "CheckpointLoaderSimple",
      title: null,
      inputs: [
        {
          kind: "value",
          name: "ckpt_name",
          value: "664602165660323756",
        },
      ],
      extra: {},
    },
    {
      id: "5",
      classType: "EmptyLatentImage",
      title: null,
      inputs: [
        {
          kind: "value",
          name: "batch_size",
          value: 1,
        },
        {
          kind: "value",
          name: "height",
          value: 1536,
        },
        {
          kind: "value",
          name: "width",
          value: 1024,
        },
      ],
      extra: {},
    },
    {
      id: "6",
      classType: "CLIPTextEncode",
      title: null,
      inputs: [
        {
          kind: "link",
          name: "clip",
          node: "14",
          output: 1,
        },
        {
          kind: "value",
          name: "text",
          value: " (masterpiece, best quality:1.2), layla, layla, masterpiece, bestquality, 8k, cg",
        },
      ],
      extra: {},
    },
    {
      id: "7",
      classType: "CLIPTextEncode",
      title: null,
      inputs: [
        {
          kind: "link",
          name: "clip",
          node: "14",
          output: 1,
        },
        {
          kind: "value",
          name: "text",
          value:
            "sketch, duplicate, ugly, huge eyes, text, logo, monochrome, worst face, (bad and mutated hands:1.3), (worst quality:2.0), (low quality:2.0), (blurry:2.0), horror, geometry, bad_prompt, (bad hands), (missing fingers), multiple limbs, bad anatomy, (interlocked fingers:1.2), Ugly Fingers, (extra digit and hands and fingers and legs and arms:1.4), ((2girl)), (deformed fingers:1.2), (long fingers:1.2),(bad-artist-anime), bad-artist, bad hand, extra legs.",
        },
      ],
      extra: {},
    },
    {
      id: "9",
      classType: "SaveImage",
      title: null,
      inputs: [
        {
          kind: "value",
          name: "filename_prefix",
          value: "TensorArt",
        },
        {
          kind: "link",
          name: "images",
          node: "18",
          output: 0,
        },
      ],
      extra: {},
    },
  ],
};

export function referenceDoc(): WorkflowDoc {
  return structuredClone(REFERENCE);
}

/** `doc` as the backend answers an opening: no warnings, no form fields known yet. */
export function openedDoc(doc: WorkflowDoc = referenceDoc()): OpenedWorkflow {
  return { doc, format: "comfyApi", warnings: [], fields: [] };
}
