import { describe, expect, it } from "vitest";
import { backendName } from "./format";

describe("backendName", () => {
  it("names each backend by kind and host, never a path or a token", () => {
    expect(backendName("comfyui+http://127.0.0.1:8188")).toBe("ComfyUI · 127.0.0.1:8188");
    expect(backendName("offline-demo")).toBe("Offline demo");
    expect(backendName("https://ap-east-1.tensorart.cloud")).toBe(
      "Tensor.Art · ap-east-1.tensorart.cloud",
    );
    expect(backendName("https://proxy.example.com")).toBe("proxy.example.com");
    expect(backendName("comfyui+https://gpu.example.com/comfy")).toBe("ComfyUI · gpu.example.com");
  });
});
